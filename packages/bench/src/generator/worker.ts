/**
 * The load generator: a child process holding every client socket of a scenario. It signs
 * users in, connects them, creates rooms, then sends at a paced rate and measures, at every
 * member, the latency from the send timestamp written into the content to the receipt.
 *
 * Content of a measured message: `b <step> <k> <sentAtMs> <tag> <word> <word>` — `k` indexes
 * the step's message arrays; `tag` (`tag<step>r<room>z`) lets a probe find the newest
 * message of a room in the search index. A measured edit or reaction carries
 * `b <step> <k> <sentAtMs>` as its `clientMsgId`, which its `message_changed` echoes.
 *
 * The soak's churn (short-lived sessions, `src/generator/churn.ts`) runs in a worker of its own
 * through the same protocol.
 *
 * This file only answers the orchestrator's calls: the rooms and their members are
 * `members.ts`, the paced steps and what they count `steps.ts`, idle connections `idle.ts`.
 */
import { Churn } from './churn.js';
import { IdleConnections } from './idle.js';
import { Members } from './members.js';
import type { CallName, Calls, Reply, Request } from './protocol.js';
import { Steps } from './steps.js';

type AnyRequest = { [K in CallName]: Request<K> }[CallName];

const members = new Members();
const steps = new Steps(members);
// The members' sockets deliver to the step being run.
members.receiver = steps;
const idle = new IdleConnections();
const churn = new Churn();

function handle(req: AnyRequest): Promise<Calls[CallName][1]> {
  switch (req.call) {
    case 'setupChat':
      return members.setupChat(req.args);
    case 'setupRelay':
      return members.setupRelay(req.args);
    case 'step':
      return steps.step(req.args);
    case 'connectIdle':
      return idle.connectIdle(req.args);
    case 'reconnect':
      return members.reconnect(req.args);
    case 'closeAll':
      return Promise.resolve({ closed: members.closeAll() + idle.closeAll() });
    case 'closeIdle':
      return Promise.resolve(idle.closeIdle(req.args.count));
    case 'recount':
      return Promise.resolve(steps.recount(req.args.steps));
    case 'setupChurn':
      return churn.setup(req.args);
    case 'startChurn':
      return Promise.resolve(churn.start(req.args));
    case 'churnStats':
      return Promise.resolve(churn.stats());
    case 'stopChurn':
      return churn.stop(req.args.drainMs);
  }
}

const reply = (message: Reply) => process.send?.(message);

process.on('message', (raw: unknown) => {
  const req = raw as AnyRequest;
  handle(req).then(
    (result) => reply({ id: req.id, ok: true, result }),
    (error: unknown) =>
      reply({
        id: req.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
// The orchestrator is gone: nothing to report to.
process.on('disconnect', () => process.exit(0));
