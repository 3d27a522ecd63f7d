import { describe, expect, it } from 'vitest';
import { decodeEnvelope, messageEnvelope, serialiseAroundSeq } from './envelope.js';
import { MAX_ROOM_NAME_CODE_POINTS, MAX_ROOM_TOPIC_CODE_POINTS } from './limits.js';
import { MessagePreviewSchema, MessageSchema, toMessagePreview, type Message } from './models.js';
import {
  systemEventContent,
  SystemMessageEventSchema,
  systemEventUserIds,
  type SystemMessageEvent,
} from './system-events.js';

const EVENTS: [SystemMessageEvent, string][] = [
  [{ type: 'invited', actorId: 'alice', targetIds: ['bob', 'carol'] }, 'alice invited bob, carol'],
  [{ type: 'left', actorId: 'bob' }, 'bob left'],
  [{ type: 'removed', actorId: 'alice', targetIds: ['bob'] }, 'alice removed bob'],
  [{ type: 'renamed', actorId: 'alice', name: 'Launch' }, 'alice renamed the room to “Launch”'],
  [{ type: 'renamed', actorId: 'alice', name: '' }, 'alice removed the room name'],
  [
    { type: 'topic', actorId: 'alice', topic: '금요일 출시' },
    'alice set the topic to “금요일 출시”',
  ],
  [{ type: 'topic', actorId: 'alice', topic: '' }, 'alice cleared the topic'],
];

const systemMessage = (event: SystemMessageEvent): Message => ({
  id: 'm1',
  roomId: 'r1',
  seq: 7,
  userId: event.actorId,
  content: systemEventContent(event),
  createdAt: '2026-01-02T03:04:05.000Z',
  kind: 'system',
  event,
});

describe('SystemMessageEventSchema', () => {
  it.each(EVENTS)('accepts %j', (event) => {
    expect(SystemMessageEventSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['an unknown type', { type: 'exploded', actorId: 'alice' }],
    ['no type', { actorId: 'alice' }],
    ['no actor', { type: 'left' }],
    ['an empty actor', { type: 'left', actorId: '' }],
    ['an invite of nobody', { type: 'invited', actorId: 'alice', targetIds: [] }],
    ['an invite without targets', { type: 'invited', actorId: 'alice' }],
    ['a removal without targets', { type: 'removed', actorId: 'alice' }],
    ['a target that is not an id', { type: 'removed', actorId: 'alice', targetIds: [7] }],
    ['a rename without a name', { type: 'renamed', actorId: 'alice' }],
    ['a topic without a topic', { type: 'topic', actorId: 'alice' }],
    ['a topic that is not text', { type: 'topic', actorId: 'alice', topic: null }],
    [
      'a name too long',
      { type: 'renamed', actorId: 'alice', name: '가'.repeat(MAX_ROOM_NAME_CODE_POINTS + 1) },
    ],
    [
      'a topic too long',
      { type: 'topic', actorId: 'alice', topic: 'x'.repeat(MAX_ROOM_TOPIC_CODE_POINTS + 1) },
    ],
  ])('refuses %s', (_why, event) => {
    expect(SystemMessageEventSchema.safeParse(event).success).toBe(false);
  });
});

describe(systemEventContent.name, () => {
  it.each(EVENTS)('words %j in English by id', (event, line) => {
    expect(systemEventContent(event)).toBe(line);
  });
});

describe(systemEventUserIds.name, () => {
  it('names the actor first, then the targets', () => {
    expect(systemEventUserIds({ type: 'invited', actorId: 'a', targetIds: ['b', 'c'] })).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(systemEventUserIds({ type: 'topic', actorId: 'a', topic: 't' })).toEqual(['a']);
  });
});

describe('a system message’s event', () => {
  it.each(EVENTS)('survives the message schema, the envelope and the preview: %j', (event) => {
    const message = systemMessage(event);
    expect(MessageSchema.parse(message)).toEqual(message);

    const decoded = decodeEnvelope(JSON.stringify(messageEnvelope(message)));
    expect(decoded).toMatchObject({ ok: true, envelope: { payload: message } });

    const preview = toMessagePreview(message);
    expect(preview).toMatchObject({ kind: 'system', event });
    expect(MessagePreviewSchema.parse(preview)).toEqual(preview);
  });

  it('is written in one key order, whatever order it was built in', () => {
    const shuffled: SystemMessageEvent = { targetIds: ['bob'], actorId: 'alice', type: 'invited' };
    const { seq: _seq, ...draft } = systemMessage(shuffled);
    const around = serialiseAroundSeq(draft);
    const text = `${around.message[0]}7${around.message[1]}`;
    expect(text).toContain('"event":{"type":"invited","actorId":"alice","targetIds":["bob"]}');
    expect(text).toBe(JSON.stringify(messageEnvelope(systemMessage(shuffled)).payload));
  });

  it('leaves an envelope poison when its event is malformed', () => {
    const message = systemMessage({ type: 'left', actorId: 'bob' });
    const raw = JSON.stringify({
      ...messageEnvelope(message),
      payload: { ...message, event: { type: 'left' } },
    });
    expect(decodeEnvelope(raw).ok).toBe(false);
  });

  it('is optional: a system message stored before events existed still parses', () => {
    const { event: _event, ...old } = systemMessage({ type: 'left', actorId: 'bob' });
    expect(MessageSchema.parse(old)).toEqual(old);
    expect(toMessagePreview(old)).not.toHaveProperty('event');
  });
});
