import { useQuasar } from 'quasar';
import { useI18n } from 'vue-i18n';
import { setNotifier, type ChatNotice } from '../services/notifier';
import { useMessagesStore } from '../stores/messages.store';
import { useFormat } from './use-format';

/**
 * Shows the stores' notices as Quasar notifications (plain text: never HTML), placed below the
 * header (`main.ts`, `app.scss`, its height measured by `ChatShell`) where they cover none of
 * its buttons. A burst of messages, in one room or several, is one notification showing the
 * newest, with a badge counting them; so is a burst of invitations.
 */
export function useNotices(): void {
  const $q = useQuasar();
  const { t } = useI18n();
  const { errorText } = useFormat();
  const messages = useMessagesStore();

  const openAction = (roomId: string) => ({
    label: t('notify.open'),
    color: 'white',
    'aria-label': t('notify.open'),
    handler: () => void messages.select(roomId).catch(() => undefined),
  });

  const show = (notice: ChatNotice): void => {
    switch (notice.kind) {
      case 'message':
        $q.notify({
          message: t('notify.message', { user: notice.userName, room: notice.roomName }),
          caption: notice.preview,
          icon: 'chat',
          color: 'primary',
          group: 'messages',
          actions: [openAction(notice.roomId)],
        });
        return;
      case 'invited':
        $q.notify({
          message: t('notify.invited', { by: notice.by, room: notice.roomName }),
          icon: 'group_add',
          color: 'primary',
          group: 'invites',
          actions: [openAction(notice.roomId)],
        });
        return;
      case 'room_deleted':
        $q.notify({ message: t('notify.deleted', { room: notice.roomName }), icon: 'delete' });
        return;
      case 'removed':
        $q.notify({ message: t('notify.removed', { room: notice.roomName }), icon: 'logout' });
        return;
      case 'error':
        $q.notify({ message: errorText(notice.code), type: 'negative' });
        return;
    }
  };

  setNotifier(show);
}
