import {
  applyChanges,
  isChangeKind,
  MAX_CONTENT_CODE_POINTS,
  type Message,
  type SearchHit,
} from '@chat/contracts';
import { expect } from 'vitest';
import { ChatClient } from './chat-client.js';
import { pollUntil } from './poll.js';

/** Where the two people of the scenario connect: two replicas, or one embedded server twice. */
export interface LifecycleTopology {
  /** Base URLs for the first and the second person (the same URL in embedded mode). */
  urls(): readonly [string, string];
  /** Stops every server and starts it again on the same data; resolves once they serve. */
  restart(): Promise<void>;
}

const everyPage = async (client: ChatClient, roomId: string): Promise<Message[]> => {
  const all: Message[] = [];
  let after = 0;
  for (;;) {
    const page = await client.ok('get_messages', { roomId, after, limit: 100 });
    all.push(...page.messages);
    after = page.messages.at(-1)?.seq ?? after;
    if (!page.hasMore) return all;
  }
};

const contentsFound = async (client: ChatClient, query: string, roomId: string) =>
  (await client.ok('search', { query, roomId })).hits.map((h: SearchHit) => h.message.content);

/**
 * A message's whole life as two people see it, against real servers: edit, delete, react,
 * reply and thread, mention, direct room; refusals that write nothing; what history and search
 * return, before and after every server restarts; and a member who was offline catching up on
 * every change through the ordinary `get_messages { after }` gap fill.
 *
 * `alice` connects to the first URL and `bob` to the second, so on two replicas every change is
 * seen on the other one.
 */
export async function runMessageLifecycle(topology: LifecycleTopology): Promise<void> {
  let [urlA, urlB] = topology.urls();
  let alice = await ChatClient.connect(urlA, 'alice');
  let bob = await ChatClient.connect(urlB, 'bob');
  try {
    const { room } = await alice.ok('create_room', { name: 'lifecycle', participants: ['bob'] });
    const roomId = room.roomId;
    await bob.waitFor('room_invite', (e) => e.roomId === roomId);

    // A message, a reply to it that mentions its author, an edit, a reaction, a deletion.
    const original = await alice.ok('send_message', { roomId, content: 'the original draft' });
    const reply = await bob.ok('send_message', {
      roomId,
      content: '@alice agreed, and @nobody else',
      replyTo: original.seq,
    });
    const replied = await alice.waitFor('receive_message', (m) => m.id === reply.id);
    expect(replied).toMatchObject({ replyTo: original.seq, mentions: ['alice'] });

    const edit = await alice.ok('edit_message', {
      roomId,
      seq: original.seq,
      content: 'the **final** wording',
    });
    const edited = await bob.waitFor('message_changed', (c) => c.seq === edit.seq);
    expect(edited).toMatchObject({ kind: 'edit', target: original.seq, userId: 'alice' });
    expect(edited.content).toBe('the **final** wording');

    const like = await bob.ok('react', { roomId, seq: original.seq, emoji: '👍', on: true });
    await alice.waitFor('message_changed', (c) => c.seq === like.seq && c.emoji === '👍');

    const doomed = await alice.ok('send_message', { roomId, content: 'a regrettable remark' });
    const deletion = await alice.ok('delete_message', { roomId, seq: doomed.seq });
    await bob.waitFor('message_changed', (c) => c.seq === deletion.seq && c.kind === 'delete');

    // Refused: someone else's message, a missing one, not an emoji, an empty or long edit.
    const lastSeqBefore = (await bob.ok('register', {})).rooms.find((r) => r.roomId === roomId);
    const refusals = await Promise.all([
      bob.request('edit_message', { roomId, seq: original.seq, content: 'hijacked' }),
      bob.request('delete_message', { roomId, seq: original.seq }),
      bob.request('edit_message', { roomId, seq: 9999, content: 'nothing there' }),
      bob.request('react', { roomId, seq: original.seq, emoji: 'a', on: true }),
      alice.request('edit_message', { roomId, seq: original.seq, content: '   ' }),
      alice.request('edit_message', {
        roomId,
        seq: original.seq,
        content: 'x'.repeat(MAX_CONTENT_CODE_POINTS + 1),
      }),
      alice.request('edit_message', { roomId, seq: doomed.seq, content: 'back from the dead' }),
    ]);
    expect(refusals.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'NOT_FOUND',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'BAD_REQUEST',
      'NOT_FOUND',
    ]);
    const lastSeqAfter = (await bob.ok('register', {})).rooms.find((r) => r.roomId === roomId);
    expect(lastSeqAfter?.lastSeq).toBe(lastSeqBefore?.lastSeq);

    // The thread of the original holds the reply.
    const thread = await bob.ok('get_thread', { roomId, seq: original.seq });
    expect(thread.parent).toMatchObject({ seq: original.seq, content: 'the **final** wording' });
    expect(thread.messages.map((m) => m.id)).toEqual([reply.id]);

    // A direct room: both sides at once, on both replicas, meet on one room.
    const [fromAlice, fromBob] = await Promise.all([
      alice.ok('open_direct', { userId: 'bob' }),
      bob.ok('open_direct', { userId: 'alice' }),
    ]);
    expect(fromAlice.room.roomId).toBe(fromBob.room.roomId);
    expect(fromAlice.room).toMatchObject({ direct: true });
    expect([...fromAlice.room.participants].sort()).toEqual(['alice', 'bob']);
    const direct = fromAlice.room.roomId;
    const invited = await alice.request('invite', { roomId: direct, userIds: ['carol'] });
    expect(invited.ok ? 'ok' : invited.error.code).toBe('FORBIDDEN');
    const hello = await bob.ok('send_message', { roomId: direct, content: 'just us' });
    await alice.waitFor('receive_message', (m) => m.id === hello.id);

    const expectFinalState = async (viewer: ChatClient) => {
      const history = await everyPage(viewer, roomId);
      const bySeq = new Map(history.map((m) => [m.seq, m]));
      expect(bySeq.get(original.seq)).toMatchObject({
        content: 'the **final** wording',
        editedAt: edit.createdAt,
        reactions: [{ emoji: '👍', userIds: ['bob'] }],
      });
      expect(bySeq.get(reply.seq)).toMatchObject({ replyTo: original.seq, mentions: ['alice'] });
      expect(bySeq.get(doomed.seq)).toMatchObject({ content: '', deleted: true });
      expect(JSON.stringify(history)).not.toContain('regrettable');
      expect(JSON.stringify(history)).not.toContain('original draft');
      // Search follows the sinks: the new text is found, the old and the deleted are not.
      await pollUntil(
        () => contentsFound(viewer, 'final', roomId),
        (found) => found.length === 1,
        { timeoutMs: 20_000, what: 'the edited text in search' },
      );
      expect(await contentsFound(viewer, 'original', roomId)).toEqual([]);
      expect(await contentsFound(viewer, 'regrettable', roomId)).toEqual([]);
    };
    await expectFinalState(bob);

    // Bob goes offline; meanwhile Alice edits again, reacts and deletes Bob's reply (she owns
    // the room). Back online, Bob catches up from his newest seq and folds what he missed.
    const before = await everyPage(bob, roomId);
    bob.close();
    await alice.ok('edit_message', { roomId, seq: original.seq, content: 'while you were away' });
    await alice.ok('react', { roomId, seq: original.seq, emoji: '🎉', on: true });
    await alice.ok('delete_message', { roomId, seq: reply.seq });
    bob = await ChatClient.connect(urlB, 'bob', bob.token);
    const newest = before.at(-1)?.seq ?? 0;
    const missed = (await bob.ok('get_messages', { roomId, after: newest, limit: 100 })).messages;
    expect(missed.map((m) => m.kind)).toEqual(['edit', 'reaction', 'delete']);
    const caughtUp = applyChanges(before, missed).filter((m) => !isChangeKind(m.kind));
    const fresh = (await everyPage(bob, roomId)).filter((m) => !isChangeKind(m.kind));
    expect(caughtUp).toEqual(fresh);
    expect(fresh.find((m) => m.seq === reply.seq)).toMatchObject({ deleted: true, content: '' });

    // Everything holds after every server restarts.
    const final = await everyPage(bob, roomId);
    alice.close();
    bob.close();
    await topology.restart();
    [urlA, urlB] = topology.urls();
    alice = await ChatClient.connect(urlA, 'alice', alice.token);
    bob = await ChatClient.connect(urlB, 'bob', bob.token);
    expect(await everyPage(alice, roomId)).toEqual(final);
    const away = await pollUntil(
      () => contentsFound(bob, 'away', roomId),
      (found) => found.length > 0,
      { timeoutMs: 20_000, what: 'the last edit in search' },
    );
    expect(away).toEqual(['while you were away']);
    expect(await contentsFound(bob, 'agreed', roomId)).toEqual([]);
    const again = await bob.ok('open_direct', { userId: 'alice' });
    expect(again.room.roomId).toBe(direct);
  } finally {
    alice.close();
    bob.close();
  }
}
