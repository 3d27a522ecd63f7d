import { flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent } from 'vue';
import { notifyDesktop, setDesktopNotifier } from '../services/notifier';
import { useRoomsStore } from '../stores/rooms.store';
import { mountWithApp } from '../testing/mount';
import { connectedHarness } from '../testing/setup';
import { useDesktopNotifications, useDesktopPermission } from './use-desktop-notifications';

/** The browser's Notification, recording what the page shows and asks. */
class RecordingNotification {
  static permission: NotificationPermission = 'default';
  static shown: RecordingNotification[] = [];
  static asked = 0;
  static requestPermission(): Promise<NotificationPermission> {
    RecordingNotification.asked++;
    RecordingNotification.permission = 'granted';
    return Promise.resolve('granted');
  }
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: NotificationOptions,
  ) {
    RecordingNotification.shown.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

const setVisibility = (state: DocumentVisibilityState) =>
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });

const Host = defineComponent({
  setup() {
    useDesktopNotifications();
    return useDesktopPermission();
  },
  template: '<button @click="ask">ask</button>',
});

async function shell() {
  RecordingNotification.permission = 'default';
  RecordingNotification.shown = [];
  RecordingNotification.asked = 0;
  vi.stubGlobal('Notification', RecordingNotification);
  await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('team', ['alice', 'bob'], 'Team');
  });
  return mountWithApp(Host);
}

const notice = {
  reason: 'mention' as const,
  roomId: 'team',
  roomName: 'Team',
  userName: 'bob',
  preview: '@alice look',
};

describe(useDesktopNotifications.name, () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setVisibility('visible');
    setDesktopNotifier(() => undefined);
  });

  it('shows nothing before the user allowed it', async () => {
    await shell();
    setVisibility('hidden');

    notifyDesktop(notice);

    expect(RecordingNotification.shown).toEqual([]);
  });

  it('asks once, from the click, then shows a notice while the tab is hidden', async () => {
    const sut = await shell();

    await sut.get('button').trigger('click');
    await flushPromises();
    await sut.get('button').trigger('click');
    await flushPromises();
    setVisibility('hidden');
    notifyDesktop(notice);

    expect(RecordingNotification.asked).toBe(1);
    expect(RecordingNotification.shown.map((n) => [n.title, n.options.body])).toEqual([
      ['bob mentioned you in Team', '@alice look'],
    ]);
  });

  it('shows nothing while the tab is visible', async () => {
    const sut = await shell();
    await sut.get('button').trigger('click');
    await flushPromises();

    notifyDesktop(notice);

    expect(RecordingNotification.shown).toEqual([]);
  });

  it('opens the room when the notice is clicked', async () => {
    const sut = await shell();
    await sut.get('button').trigger('click');
    await flushPromises();
    setVisibility('hidden');
    notifyDesktop(notice);

    RecordingNotification.shown[0]?.onclick?.();
    await flushPromises();

    expect(useRoomsStore().openRoomId).toBe('team');
    expect(RecordingNotification.shown[0]?.closed).toBe(true);
  });
});
