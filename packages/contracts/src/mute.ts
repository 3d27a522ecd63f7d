import { z } from 'zod';

/**
 * Members only: sets whether the caller's own room is muted. Muting is per member and kept on
 * the server, so it follows the person to every device; a muted room shows no unread badge and
 * raises no notice, except for messages that mention them. Leaving the room clears it.
 */
export const MuteRoomSchema = z.object({
  roomId: z.string().trim().min(1).max(64),
  muted: z.boolean(),
});
export type MuteRoomPayload = z.input<typeof MuteRoomSchema>;

/** The ack of `mute_room`, and the `room_muted` event every socket of the caller gets. */
export interface RoomMutedEvent {
  roomId: string;
  muted: boolean;
}
