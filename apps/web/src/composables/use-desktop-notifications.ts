import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { setDesktopNotifier } from '../services/notifier';
import { useMessagesStore } from '../stores/messages.store';

export type DesktopPermission = NotificationPermission | 'unsupported';

const supported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;
const current = (): DesktopPermission => (supported() ? Notification.permission : 'unsupported');

// One state for the page: the browser keeps the user's answer, the app only mirrors it.
const permission = ref<DesktopPermission>(current());

/**
 * Whether desktop notifications may be shown, and asking for it. The browser asks the user only
 * from a gesture and only once: after an answer, `ask` returns it without asking again.
 */
export function useDesktopPermission() {
  async function ask(): Promise<void> {
    if (!supported()) return;
    if (Notification.permission === 'default') await Notification.requestPermission();
    permission.value = current();
  }
  return { permission, ask };
}

/**
 * Shows the stores' desktop notices as browser notifications while the tab is hidden (a visible
 * tab shows the badge and the in-app notice instead). Clicking one brings the tab forward and
 * opens the room.
 */
export function useDesktopNotifications(): void {
  const { t } = useI18n();
  const messages = useMessagesStore();

  setDesktopNotifier((notice) => {
    permission.value = current();
    if (permission.value !== 'granted' || document.visibilityState !== 'hidden') return;
    const title =
      notice.reason === 'mention'
        ? t('desktop.mentioned', { user: notice.userName, room: notice.roomName })
        : t('desktop.direct', { user: notice.userName });
    const shown = new Notification(title, { body: notice.preview, tag: `chat:${notice.roomId}` });
    shown.onclick = () => {
      window.focus();
      shown.close();
      messages.select(notice.roomId).catch(() => undefined);
    };
  });
}
