import { z } from 'zod';
import { MessageSchema, type Message } from './models.js';
import { canonicalSystemEvent } from './system-events.js';

/** Current version of the event-log envelope. Readers reject versions they do not know. */
export const ENVELOPE_VERSION = 1;

const base = {
  v: z.literal(ENVELOPE_VERSION),
  id: z.string().min(1),
  occurredAt: z.string(),
};

/**
 * One entry of the event log, as the gateway appends it and the sinks read it. `type` is the
 * discriminant; `id` is unique per entry (for a message, the message id).
 */
export const LogEnvelopeSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('message.created'), payload: MessageSchema }),
  z.object({
    ...base,
    type: z.literal('room.deleted'),
    payload: z.object({ roomId: z.string().min(1) }),
  }),
]);
export type LogEnvelope = z.infer<typeof LogEnvelopeSchema>;
export type LogEventType = LogEnvelope['type'];
/** An entry that is not a message: appended as is (messages get their seq from the log). */
export type RoomEventEnvelope = Exclude<LogEnvelope, { type: 'message.created' }>;

/** The message with its keys in the one order every log writes them (optional ones if set). */
const canonical = (message: Message): Message => {
  const { id, roomId, seq, userId, content, createdAt, clientMsgId, kind, ...optional } = message;
  const { replyTo, mentions, mentionsRoom, target, emoji, on } = optional;
  const { editedAt, deleted, reactions, attachments, event } = optional;
  return {
    ...{ id, roomId, seq, userId, content, createdAt },
    ...(clientMsgId !== undefined && { clientMsgId }),
    kind,
    ...(replyTo !== undefined && { replyTo }),
    ...(mentions !== undefined && { mentions }),
    ...(mentionsRoom !== undefined && { mentionsRoom }),
    ...(target !== undefined && { target }),
    ...(emoji !== undefined && { emoji }),
    ...(on !== undefined && { on }),
    ...(editedAt !== undefined && { editedAt }),
    ...(deleted !== undefined && { deleted }),
    ...(reactions !== undefined && { reactions }),
    ...(attachments !== undefined && { attachments }),
    ...(event !== undefined && { event: canonicalSystemEvent(event) }),
  };
};

/** The envelope of a message, its payload's keys in one order whoever builds it. */
export const messageEnvelope = (message: Message): LogEnvelope => ({
  v: ENVELOPE_VERSION,
  id: message.id,
  type: 'message.created',
  occurredAt: message.createdAt,
  payload: canonical(message),
});

/** The envelope of a room's deletion. */
export const roomDeletedEnvelope = (
  roomId: string,
  id: string,
  occurredAt: string,
): RoomEventEnvelope => ({
  v: ENVELOPE_VERSION,
  id,
  type: 'room.deleted',
  occurredAt,
  payload: { roomId },
});

/** Stands for the seq while serialising; as a JSON number it cannot occur inside a string. */
const SEQ_SENTINEL = Number.MAX_SAFE_INTEGER;

/**
 * A message and its envelope serialised around the seq the log is about to assign, each as
 * the text before and after the seq: a log that assigns the seq in a script (Redis) joins
 * them there, and writes exactly what `messageEnvelope` would.
 */
export function serialiseAroundSeq(message: Omit<Message, 'seq'>): {
  message: [string, string];
  envelope: [string, string];
} {
  // Serialised once: the message is the envelope's last key, so its text ends one brace early.
  const envelope = JSON.stringify(messageEnvelope({ ...message, seq: SEQ_SENTINEL }));
  const start = envelope.indexOf('"payload":') + '"payload":'.length;
  const json = envelope.slice(start, -1);
  const at = json.indexOf(`"seq":${SEQ_SENTINEL}`) + '"seq":'.length;
  return {
    message: [json.slice(0, at), json.slice(at + String(SEQ_SENTINEL).length)],
    envelope: [envelope.slice(0, start), '}'],
  };
}

/** Parses an envelope from its serialised form; a poison entry yields the reason instead. */
export const decodeEnvelope = (
  raw: string,
): { ok: true; envelope: LogEnvelope } | { ok: false; reason: string } => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = LogEnvelopeSchema.safeParse(json);
  return parsed.success
    ? { ok: true, envelope: parsed.data }
    : { ok: false, reason: parsed.error.issues.map((i) => i.message).join('; ') };
};
