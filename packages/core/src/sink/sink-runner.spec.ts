import type { LogEnvelope } from '@chat/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../ports/index.js';
import { embeddedFixture, type EmbeddedFixture } from '../testing/embedded-fixture.js';
import { PermanentSinkError, type Sink } from './sink.js';
import { DEFAULT_SINK_RUNNER_OPTIONS, SinkRunner, type SinkObserver } from './sink-runner.js';
import { StoreSink } from './store.sink.js';

const poll = async (check: () => Promise<boolean>, what: string) => {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A store sink whose store is "down" for the first `failures` batches. */
class FlakySink implements Sink {
  readonly name = 'store';
  attempts = 0;
  constructor(
    private readonly inner: Sink,
    private failures: number,
  ) {}
  async handle(envelopes: readonly LogEnvelope[]) {
    this.attempts++;
    if (this.failures-- > 0) throw new Error('store unavailable');
    await this.inner.handle(envelopes);
  }
}

describe(SinkRunner.name, () => {
  let f: EmbeddedFixture;
  let roomId: string;
  const dead: { entry: LogEntry; reason: string }[] = [];
  const failures: unknown[] = [];
  const observer: SinkObserver = {
    written: () => undefined,
    deadLettered: (_s, entry, reason) => dead.push({ entry, reason }),
    failed: (_s, error) => failures.push(error),
  };
  const options = {
    ...DEFAULT_SINK_RUNNER_OPTIONS,
    group: 'store',
    consumer: 'test',
    blockMs: 50,
    retryInitialMs: 10,
    retryMaxMs: 50,
    startupClaimIdleMs: 0,
  };

  beforeEach(async () => {
    dead.length = 0;
    failures.length = 0;
    f = await embeddedFixture();
    await f.signIn('alice');
    ({ roomId } = await f.roomService.create('alice', { participants: [] }));
  });

  afterEach(() => f.destroy());

  const stored = () => f.messages.page(roomId, { limit: 100 });

  it('writes every entry once, retrying with backoff while the store is down', async () => {
    const sink = new FlakySink(new StoreSink(f.messages), 3);
    const sut = new SinkRunner(f.groups, sink, options, observer);
    await sut.start();
    for (let i = 0; i < 5; i++) await f.messageService.send('alice', { roomId, content: `m${i}` });
    await poll(async () => (await stored()).length === 5, 'five stored messages');
    await sut.stop();
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect((await stored()).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect((await f.groups.stats('store')).pending).toBe(0);
  });

  it('dead-letters a poison entry and keeps going', async () => {
    const sut = new SinkRunner(f.groups, new StoreSink(f.messages), options, observer);
    await f.messageService.send('alice', { roomId, content: 'before' });
    // Written by a newer version this reader does not understand: undecodable here.
    const poison = {
      v: 2,
      id: 'poison',
      type: 'room.deleted',
      occurredAt: 'now',
      payload: { roomId },
    };
    // The log's own append never writes one: straight into its table.
    f.db
      .prepare('INSERT INTO log_entries (room_id, seq, raw) VALUES (?, NULL, ?)')
      .run(roomId, JSON.stringify(poison));
    await f.messageService.send('alice', { roomId, content: 'after' });
    await sut.start();
    await poll(async () => (await stored()).length === 2, 'both good messages');
    await sut.stop();
    expect(dead).toHaveLength(1);
    expect(dead[0]?.reason).toMatch(/poison/);
    expect(await f.groups.stats('store')).toMatchObject({ pending: 0, deadLetters: 1 });
  });

  it('dead-letters only the entries a sink rejects permanently', async () => {
    const picky: Sink = {
      name: 'store',
      handle: async (envelopes) => {
        const bad = envelopes.filter(
          (e) => e.type === 'message.created' && e.payload.content === 'bad',
        );
        if (bad.length > 0)
          throw new PermanentSinkError(
            bad.map((e) => e.id),
            'rejected by mapping',
          );
        await new StoreSink(f.messages).handle(envelopes);
      },
    };
    for (const content of ['ok 1', 'bad', 'ok 2'])
      await f.messageService.send('alice', { roomId, content });
    const sut = new SinkRunner(f.groups, picky, options, observer);
    await sut.start();
    await poll(async () => (await stored()).length === 2, 'the two good messages');
    await sut.stop();
    expect((await stored()).map((m) => m.content)).toEqual(['ok 1', 'ok 2']);
    expect(dead.map((d) => d.reason)).toEqual(['rejected by mapping']);
  });

  it('takes over entries left pending by a consumer that died', async () => {
    await f.messageService.send('alice', { roomId, content: 'orphan' });
    await f.groups.ensureGroup('store');
    const taken = await f.groups.read('store', 'dead-consumer', 10, 0);
    expect(taken).toHaveLength(1);
    const sut = new SinkRunner(f.groups, new StoreSink(f.messages), options, observer);
    await sut.start();
    await poll(async () => (await stored()).length === 1, 'the orphan to be stored');
    await sut.stop();
    expect((await f.groups.stats('store')).pending).toBe(0);
  });
});
