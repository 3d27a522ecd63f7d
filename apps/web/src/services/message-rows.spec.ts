import type { Message } from '@chat/contracts';
import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../stores/outbox.store';
import { buildRows } from './message-rows';

const at = (iso: string, seq: number, userId: string, kind: Message['kind'] = 'user'): Message => ({
  id: `m${seq}`,
  roomId: 'r',
  seq,
  userId,
  content: `c${seq}`,
  createdAt: iso,
  kind,
});

describe('buildRows', () => {
  it('groups consecutive messages by sender, splits on days, pauses and system messages', () => {
    const rows = buildRows(
      [
        at('2024-05-01T10:00:00', 1, 'bob'),
        at('2024-05-01T10:01:00', 2, 'bob'),
        at('2024-05-01T10:02:00', 3, 'alice'),
        at('2024-05-01T10:03:00', 4, 'alice', 'system'),
        at('2024-05-01T10:04:00', 5, 'alice'),
        at('2024-05-01T10:30:00', 6, 'alice'),
        at('2024-05-02T09:00:00', 7, 'alice'),
      ],
      [],
      'alice',
    );
    expect(
      rows.map((r) => (r.kind === 'group' ? `${r.userId}:${r.bubbles.length}` : r.kind)),
    ).toEqual(['day', 'bob:2', 'alice:1', 'system', 'alice:1', 'alice:1', 'day', 'alice:1']);
    expect(rows[2]).toMatchObject({ mine: true });
    expect(rows[1]).toMatchObject({ mine: false });
  });

  it('puts pending messages after stored ones, in the sender group', () => {
    const pending: PendingMessage = {
      clientMsgId: 'c1',
      roomId: 'r',
      content: 'typing fast',
      createdAt: '2024-05-01T10:00:30',
      status: 'sending',
    };
    const rows = buildRows([at('2024-05-01T10:00:00', 1, 'alice')], [pending], 'alice');
    expect(rows[1]).toMatchObject({
      kind: 'group',
      bubbles: [
        { seq: 1, status: 'sent' },
        { clientMsgId: 'c1', status: 'sending' },
      ],
    });
  });
});
