import type { Message, Room } from '@chat/contracts';
import { mentionsMe } from './mentions';

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

/**
 * A message that asks for the user personally: a mention of them (or `@room`), or a message in
 * a direct room. The shell shows it as a browser notification while the tab is hidden.
 */
export interface DesktopNotice {
  reason: 'mention' | 'direct';
  roomId: string;
  roomName: string;
  userName: string;
  preview: string;
}

let desktop: (notice: DesktopNotice) => void = () => undefined;

export const setDesktopNotifier = (notifier: (notice: DesktopNotice) => void): void => {
  desktop = notifier;
};

export const notifyDesktop = (notice: DesktopNotice): void => desktop(notice);

/**
 * Why a new message deserves a desktop notification, or null if it does not. A muted room
 * raises one only for a mention.
 */
export const desktopReason = (
  message: Pick<Message, 'kind' | 'userId' | 'mentions' | 'mentionsRoom'>,
  room: Pick<Room, 'direct' | 'muted'>,
  me: string | null,
): DesktopNotice['reason'] | null => {
  if (message.kind !== 'user' || message.userId === me) return null;
  if (mentionsMe(message, me)) return 'mention';
  return room.direct === true && room.muted !== true ? 'direct' : null;
};
