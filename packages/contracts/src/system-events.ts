import { z } from 'zod';
import {
  codePointLength,
  MAX_PARTICIPANTS,
  MAX_ROOM_NAME_CODE_POINTS,
  MAX_ROOM_TOPIC_CODE_POINTS,
} from './limits.js';

const userId = z.string().min(1).max(128);
const userIds = z.array(userId).min(1).max(MAX_PARTICIPANTS);
const bounded = (max: number, label: string) =>
  z.string().refine((s) => codePointLength(s) <= max, `${label} is longer than ${max} characters`);

/**
 * What a `system` message records, as data: who did it (`actorId`) and to whom (`targetIds`),
 * by user id, so each client words it in its own language with the names it shows for people.
 *
 * - `invited`: the actor added `targetIds` to the room.
 * - `left`: the actor left the room.
 * - `removed`: the actor (the owner) took `targetIds` out of the room.
 * - `renamed`: the actor set the room's name to `name`; empty when they removed it.
 * - `topic`: the actor set the topic to `topic`; empty when they cleared it.
 *
 * A client meeting a `type` it does not know shows the message's `content` instead.
 */
export const SystemMessageEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('invited'), actorId: userId, targetIds: userIds }),
  z.object({ type: z.literal('left'), actorId: userId }),
  z.object({ type: z.literal('removed'), actorId: userId, targetIds: userIds }),
  z.object({
    type: z.literal('renamed'),
    actorId: userId,
    name: bounded(MAX_ROOM_NAME_CODE_POINTS, 'name'),
  }),
  z.object({
    type: z.literal('topic'),
    actorId: userId,
    topic: bounded(MAX_ROOM_TOPIC_CODE_POINTS, 'topic'),
  }),
]);
export type SystemMessageEvent = z.infer<typeof SystemMessageEventSchema>;
export type SystemMessageEventType = SystemMessageEvent['type'];

/**
 * The event with its keys in one order (`type`, `actorId`, then its own), whoever built it:
 * what every log and store writes, so the same event is the same text everywhere.
 */
export function canonicalSystemEvent(event: SystemMessageEvent): SystemMessageEvent {
  switch (event.type) {
    case 'invited':
    case 'removed':
      return { type: event.type, actorId: event.actorId, targetIds: [...event.targetIds] };
    case 'left':
      return { type: event.type, actorId: event.actorId };
    case 'renamed':
      return { type: event.type, actorId: event.actorId, name: event.name };
    case 'topic':
      return { type: event.type, actorId: event.actorId, topic: event.topic };
  }
}

/**
 * The plain English line of an event, by user id: the `content` a system message carries for
 * search, for clients that do not read `event`, and for what was stored before events existed.
 */
export function systemEventContent(event: SystemMessageEvent): string {
  switch (event.type) {
    case 'invited':
      return `${event.actorId} invited ${event.targetIds.join(', ')}`;
    case 'left':
      return `${event.actorId} left`;
    case 'removed':
      return `${event.actorId} removed ${event.targetIds.join(', ')}`;
    case 'renamed':
      return event.name === ''
        ? `${event.actorId} removed the room name`
        : `${event.actorId} renamed the room to “${event.name}”`;
    case 'topic':
      return event.topic === ''
        ? `${event.actorId} cleared the topic`
        : `${event.actorId} set the topic to “${event.topic}”`;
  }
}

/** Everyone an event names, actor first: the people a client needs the names of to show it. */
export const systemEventUserIds = (event: SystemMessageEvent): string[] => [
  event.actorId,
  ...('targetIds' in event ? event.targetIds : []),
];
