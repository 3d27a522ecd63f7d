import { runMessageLifecycle } from '@chat/test-support/scenarios';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startClusterFixture, type ClusterFixture } from '../support/cluster-fixture.js';

/**
 * Edit, delete, react, reply, mention and direct rooms in the scaled topology: two gateway
 * replicas on Redis Streams, the sink worker writing DynamoDB (dynalite) and the shared search
 * index; each person on a different replica, so every change crosses replicas. The restart
 * stops both replicas and the sink and starts them again.
 */
describe('a message’s whole life, scaled', { timeout: 300_000 }, () => {
  let f: ClusterFixture;

  beforeAll(async () => {
    f = await startClusterFixture();
  });

  afterAll(async () => {
    await f?.destroy();
  });

  it('edits, deletes, reacts, replies, mentions and opens direct rooms across replicas', async () => {
    await runMessageLifecycle({
      urls: () => [f.replicas[0] ?? '', f.replicas[1] ?? ''],
      restart: async () => {
        for (const port of f.ports) await f.cluster.gateways.get(port)?.stop();
        await f.cluster.sinks[0]?.stop();
        await f.cluster.startSink(0);
        for (const port of f.ports) await f.cluster.startGateway(port);
      },
    });
  });
});
