import { z } from 'zod';
import { MessageSchema } from './models.js';

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
