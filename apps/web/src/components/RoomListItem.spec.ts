import type { MessagePreview } from '@chat/contracts';
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RoomEntry } from '../stores/rooms.store';
import { useUsersStore } from '../stores/users.store';
import { mountWithApp } from '../testing/mount';
import RoomListItem from './RoomListItem.vue';

const entry = (lastMessage: MessagePreview): RoomEntry => ({
  roomId: 'r1',
  name: 'Team',
  ownerId: 'alice',
  participants: ['alice', 'carol'],
  createdAt: '2024-05-01T10:00:00Z',
  lastSeq: lastMessage.seq,
  unread: 0,
  unreadMentions: 0,
  activityAt: lastMessage.createdAt,
  muted: false,
  lastMessage,
});

const system = (content: string, event?: MessagePreview['event']): MessagePreview => ({
  seq: 3,
  userId: 'alice',
  kind: 'system',
  content,
  createdAt: '2024-05-01T10:05:00Z',
  ...(event && { event }),
});

describe('RoomListItem', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('previews a system line with display names, following a name that changes', async () => {
    useUsersStore().upsert([
      { id: 'alice', name: 'alice', displayName: 'Alice Kim', online: false },
      { id: 'bob', name: 'bob', online: false },
    ]);
    const sut = mountWithApp(RoomListItem, {
      props: {
        room: entry(
          system('alice removed bob', { type: 'removed', actorId: 'alice', targetIds: ['bob'] }),
        ),
        active: false,
      },
    });
    expect(sut.text()).toContain('Alice Kim removed bob');

    useUsersStore().applyUserUpdated({ userId: 'bob', displayName: 'Bobby' });
    await flushPromises();
    expect(sut.text()).toContain('Alice Kim removed Bobby');
  });

  it('previews a system line stored before events by its content', () => {
    const sut = mountWithApp(RoomListItem, {
      props: { room: entry(system('alice invited carol')), active: false },
    });
    expect(sut.text()).toContain('alice invited carol');
  });
});
