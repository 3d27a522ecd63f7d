import { minutes, num } from '../format.js';
import type { SoakSection } from './section.js';

/** The base load and the churn as they ran. */
export const loadSection: SoakSection = ({ results, summary }) => {
  const m = results.meta;
  const o = results.meta.options;
  const c = results.churn;
  const b = summary.base;
  const out: string[] = [];
  out.push('### Load', '');
  const perRoom = o.rate / o.rooms;
  out.push(
    `- **Base:** ${o.rooms} rooms × ${o.members} long-lived members (${o.rooms * o.members} sockets, ` +
      `a room's members alternating between the 2 replicas) sending ${o.rate} msg/s round-robin ` +
      `(${num(perRoom, 0)} msg/s per room, ${num(o.rate * o.members)} deliveries/s), in ` +
      `${o.stepMs / 1000} s steps back to back for ${minutes(summary.loadS)} (${b.steps} steps).`,
  );
  if (c) {
    out.push(
      `- **Churn:** ${o.churn.sessionsPerSec} short-lived client sessions started per second, each on the ` +
        `next replica: ${num(c.sessions)} sessions (${num(c.visits)} visits: connect, open a ` +
        `long-lived room, type, ${o.churn.messagesPerSession} messages, disconnect; ${num(c.cycles)} cycles: ` +
        `connect, create a room with another user, open it, type, ${o.churn.messagesPerSession} messages, ` +
        `delete it, disconnect), ${num(c.connects)} connections, ${num(c.roomsCreated)} rooms created ` +
        `and ${num(c.roomsDeleted)} deleted, ${num(c.messagesAcked)} messages; up to ${c.peakInFlight} ` +
        `sessions at once, a session lasting ${num(c.sessionMs.p50)} ms (p50).`,
      `- **Users:** ${m.churnPool} pooled guests signed in once (their tokens reused) plus ` +
        `${num(c.signins)} new guests signed in during the run (${o.churn.signinsPerSec}/s, a cycle each): ` +
        `the user directory grew by those ${num(c.signins)} users, in Redis and DynamoDB, not in the gateways.`,
    );
  }
  out.push(
    '- Rate limits off; one sink worker; clients connect to the replicas directly (nginx runs but is not in the path).',
    '',
  );
  return out;
};
