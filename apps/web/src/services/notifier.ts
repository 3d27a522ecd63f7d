/**
 * Things worth telling the user about outside the current view. Stores raise them; the app shell
 * decides how they look (Quasar notifications), so stores stay free of UI code.
 */
export type ChatNotice =
  | { kind: 'message'; roomId: string; roomName: string; userName: string; preview: string }
  | { kind: 'invited'; roomId: string; roomName: string; by: string }
  | { kind: 'room_deleted'; roomName: string }
  | { kind: 'removed'; roomName: string }
  | { kind: 'error'; code: string; message: string };

type Notifier = (notice: ChatNotice) => void;

let current: Notifier = () => undefined;

export const setNotifier = (notifier: Notifier): void => {
  current = notifier;
};

export const notify = (notice: ChatNotice): void => current(notice);
