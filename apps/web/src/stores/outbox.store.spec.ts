import { ChatError } from '@chat/contracts';
import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { computed } from 'vue';
import { connectedHarness, reconnect } from '../testing/setup';
import { useMessagesStore } from './messages.store';
import { useOutboxStore } from './outbox.store';

async function inRoom() {
  const h = await connectedHarness('alice', (s) => {
    s.addUser('bob');
    s.addRoom('r1', ['alice', 'bob']);
    s.postMany('r1', 3);
  });
  await useMessagesStore().select('r1');
  return h;
}

const contents = () => useMessagesStore().timelines.r1?.messages.map((m) => m.content) ?? [];

/** The seqs handed to the timeline (`receive`) from now on, by any path. */
function timelineWrites(): () => number[] {
  const seqs: number[] = [];
  useMessagesStore().$onAction(({ name, args }) => {
    if (name === 'receive') seqs.push(args[0].seq);
  });
  return () => seqs;
}

describe('useOutboxStore', () => {
  it('shows a message as pending at once, then as sent with its seq', async () => {
    await inRoom();
    const sut = useOutboxStore();

    const sending = sut.send('r1', '  hello  ');
    expect(sut.pendingIn('r1')).toMatchObject([{ content: 'hello', status: 'sending' }]);
    await sending;

    expect(sut.pendingIn('r1')).toEqual([]);
    expect(useMessagesStore().timelines.r1?.messages.at(-1)).toMatchObject({
      seq: 4,
      content: 'hello',
      userId: 'alice',
    });
  });

  it('marks a failed message and retries it with the same clientMsgId', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    const t = h.transport();
    let failNext = true;
    t.handle('send_message', (payload) => {
      // The first attempt is stored but its ack is lost, as on a dropped connection.
      const ack = h.server.send(payload);
      if (failNext) {
        failNext = false;
        throw new ChatError('UNAVAILABLE', 'ack lost');
      }
      return ack;
    });

    const shown = computed(() => sut.pendingIn('r1').map((p) => p.status));
    const sending = sut.send('r1', 'once');
    expect(shown.value).toEqual(['sending']);
    await sending;
    // What the view shows follows the state (the pending entry is reactive).
    expect(shown.value).toEqual(['failed']);
    const [failed] = sut.pendingIn('r1');
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'UNAVAILABLE' });

    await sut.retry('r1', failed!.clientMsgId);

    const ids = t.requestsOf('send_message').map((p) => p.clientMsgId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect(sut.pendingIn('r1')).toEqual([]);
    expect(contents().filter((c) => c === 'once')).toHaveLength(1);
    expect(h.server.messages.get('r1')?.filter((m) => m.content === 'once')).toHaveLength(1);
  });

  it('marks a waiting message failed when its re-send on reconnect is refused', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    h.transport().drop();
    await sut.send('r1', 'refused later');
    h.transport().handle('send_message', () => {
      throw new ChatError('FORBIDDEN', 'removed meanwhile');
    });

    h.transport().connect();
    await flushPromises();
    expect(sut.pendingIn('r1')).toMatchObject([{ status: 'failed', errorCode: 'FORBIDDEN' }]);
  });

  it('does not show a message twice when its echo arrives before the ack', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    const t = h.transport();
    t.handle('send_message', ({ content, clientMsgId }) => {
      const m = { ...h.server.post('r1', 'alice', content), clientMsgId };
      t.emit('receive_message', m);
      return { id: m.id, seq: m.seq, createdAt: m.createdAt };
    });

    await sut.send('r1', 'echoed');

    expect(contents().filter((c) => c === 'echoed')).toHaveLength(1);
    expect(sut.pendingIn('r1')).toEqual([]);
  });

  it('puts its own message in view once, by the ack, when the echo follows it', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    const writes = timelineWrites();

    const sending = sut.send('r1', 'mine');
    expect(sut.pendingIn('r1')).toMatchObject([{ content: 'mine', status: 'sending' }]);
    await sending;
    expect(sut.pendingIn('r1')).toEqual([]);
    const stored = h.server.messages.get('r1')?.at(-1);
    h.transport().emit('receive_message', stored!);
    h.transport().emit('receive_message', h.server.post('r1', 'bob', 'reply'));
    await flushPromises();

    expect(writes()).toEqual([4, 5]);
    expect(contents()).toEqual(['message 1', 'message 2', 'message 3', 'mine', 'reply']);
    expect(useMessagesStore().timelines.r1?.messages.at(-2)).toEqual(stored);
  });

  it('puts its own message in view once, by the echo, when the echo comes first', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    const t = h.transport();
    t.handle('send_message', (payload) => {
      const ack = h.server.send(payload);
      const stored = h.server.messages.get('r1')?.at(-1);
      t.emit('receive_message', stored!);
      // The echo settles it at once, before the ack is back.
      expect(sut.pendingIn('r1')).toEqual([]);
      return ack;
    });
    const writes = timelineWrites();

    await sut.send('r1', 'mine');

    expect(writes()).toEqual([4]);
    expect(contents().filter((c) => c === 'mine')).toHaveLength(1);
  });

  it('shows a message sent from another tab, which has no pending entry here', async () => {
    const h = await inRoom();
    const writes = timelineWrites();
    const other = { ...h.server.post('r1', 'alice', 'from my phone'), clientMsgId: 'elsewhere' };

    h.transport().emit('receive_message', other);

    expect(writes()).toEqual([4]);
    expect(contents().at(-1)).toBe('from my phone');
  });

  it('keeps messages sent offline waiting, not failed, and sends them on reconnect, in order', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    h.transport().drop();
    await sut.send('r1', 'first');
    await sut.send('r1', 'second');
    expect(sut.pendingIn('r1').map((p) => p.status)).toEqual(['waiting', 'waiting']);

    await reconnect(h);
    await flushPromises();

    expect(sut.pendingIn('r1')).toEqual([]);
    expect(contents().slice(-2)).toEqual(['first', 'second']);
  });

  it('keeps a refused message failed after a reconnect', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    h.transport().handle('send_message', () => {
      throw new ChatError('FORBIDDEN', 'not a member');
    });
    await sut.send('r1', 'nope');

    await reconnect(h);

    expect(sut.pendingIn('r1')).toMatchObject([{ status: 'failed', errorCode: 'FORBIDDEN' }]);
  });

  it('sends the ids of its attachments, with or without text, and shows them at once', async () => {
    const h = await inRoom();
    const sut = useOutboxStore();
    const sent: unknown[] = [];
    h.transport().handle('send_message', (payload) => {
      sent.push(payload.attachments);
      return h.server.send(payload);
    });
    const pdf = { id: 'att1', name: 'a.pdf', type: 'application/pdf', size: 12 };

    const sending = sut.send('r1', '', [pdf]);
    expect(sut.pendingIn('r1')).toMatchObject([{ content: '', attachments: [pdf] }]);
    await sending;

    expect(sent).toEqual([['att1']]);
    expect(useMessagesStore().timelines.r1?.messages.at(-1)).toMatchObject({
      content: '',
      attachments: [pdf],
    });
  });

  it('sends nothing when there is neither text nor an attachment', async () => {
    await inRoom();
    const sut = useOutboxStore();
    await sut.send('r1', '   ', []);
    expect(sut.pendingIn('r1')).toEqual([]);
    expect(contents()).toHaveLength(3);
  });
});
