/**
 * The orchestrator ↔ load-generator protocol (Node IPC, `advanced` serialization). Every
 * request has an id; the generator answers each with one reply carrying the same id.
 */

export interface SetupChatArgs {
  /** Base URLs of the gateway replicas; a room's members alternate between them. */
  targets: string[];
  rooms: number;
  members: number;
  /** Unique per run: user names are `<runTag>r<room>m<member>`. */
  runTag: string;
  /** A user added to every room but never connected during load (history/search probe). */
  probeName: string;
}

export interface SetupRelayArgs {
  targets: string[];
  rooms: number;
  members: number;
}

export interface SetupResult {
  roomIds: string[];
  /** `probeName`'s token (chat mode), for REST probes. */
  probeToken: string;
  sessionsPerSec: number;
  setupMs: number;
}

export interface StepArgs {
  /** Unique per run: written into every message of the step (and its search tag). */
  step: number;
  /** Messages per second, spread round-robin over rooms and their members. */
  rate: number;
  durationMs: number;
  /** Longest wait after the last send for acks and deliveries. */
  drainMs: number;
  /** Rooms (by index) whose acks are returned, for persistence-lag measurements. */
  trackRooms?: number[];
  /**
   * What each operation of the step is (chat mode; default `send`): a new message; an edit of
   * the member's own newest message; or a reaction toggled on the room's newest message. A change
   * is measured at every member when its `message_changed` arrives.
   */
  action?: StepAction;
  /** New messages also carry markdown and an `@mention` of another member of the room. */
  richContent?: boolean;
}

export type StepAction = 'send' | 'edit' | 'react';

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface TrackedAck {
  room: number;
  seq: number;
  /** Epoch ms (performance.timeOrigin + now) when the ack arrived. */
  at: number;
}

export interface StepResult {
  step: number;
  rate: number;
  durationMs: number;
  sent: number;
  acked: number;
  ackErrors: number;
  ackErrorCodes: Record<string, number>;
  /** sent × members. */
  expected: number;
  delivered: number;
  /** Expected deliveries that did not arrive before the drain ended. */
  lost: number;
  duplicates: number;
  /** Deliveries of an earlier step that arrived during this one. */
  late: number;
  /** A member received another room's message. */
  misrouted: number;
  /** Fan-out sockets the server dropped during the step. */
  disconnects: number;
  /** A member saw a room's seq go backwards (chat mode only). */
  outOfOrder: number;
  /** Deliveries per second from the first send to the last delivery. */
  deliveredPerSec: number;
  /** Send timestamp (in the content) to receipt, every member, ms. */
  latency: Distribution;
  /** The same for the messages of the step's first and last quarter: a queue that builds up shows as a rise. */
  latencyFirstQuarter: Distribution;
  latencyLastQuarter: Distribution;
  ackLatency: Distribution;
  /** How far the generator fell behind its send schedule, ms. */
  sendLagMaxMs: number;
  /** CPU of the generator process over the step (100 = one core). */
  cpuPct: number;
  /** Event-loop utilisation of the generator over the step (0..1). */
  elu: number;
  sendMs: number;
  wallMs: number;
  acks: TrackedAck[];
}

export interface ConnectIdleArgs {
  target: string;
  /** Connections to add (new users, one socket each). */
  count: number;
  runTag: string;
  /** Sessions and connections in flight at once. */
  concurrency: number;
  /** The target is the baseline relay: no sign-in, the socket just joins a room. */
  relay?: boolean;
}

export interface ConnectIdleResult {
  open: number;
  failed: number;
  sessionsPerSec: number;
  connectsPerSec: number;
  connectMs: Distribution;
}

export interface RecountResult {
  step: number;
  /** Deliveries still missing now (a later look than `lost`, after the system went quiet). */
  lost: number;
  duplicates: number;
  /** Deliveries that arrived after the step's drain ended. */
  lateDelivered: number;
}

export interface ReconnectArgs {
  targets: string[];
}

export interface SetupChurnArgs {
  /** Base URLs of the gateway replicas; sessions alternate between them. */
  targets: string[];
  /** Unique per run: pool users are `<runTag>c<i>`, fresh sign-ins `<runTag>f<n>`. */
  runTag: string;
  /** Guest users signed in once; pooled sessions reuse their tokens. */
  poolSize: number;
  /** Long-lived rooms; pool user `i` is invited to room `i % roomIds.length`. */
  roomIds: string[];
  /** Token of a member of every room in `roomIds` (it sends the invitations). */
  inviterToken: string;
}

export interface ChurnArgs {
  /** Short-lived client sessions started per second (pooled and fresh together). */
  sessionsPerSec: number;
  /** Of those, sessions of a newly signed-in guest (a new user each) per second. */
  signinsPerSec: number;
  /** Messages each session sends. */
  messagesPerSession: number;
  /** Pause between two actions of a session, ms. */
  pauseMs: number;
}

/** What the churn did so far. */
export interface ChurnStats {
  /** Sessions started (not counting those skipped because no pool user was free). */
  sessions: number;
  completed: number;
  failed: number;
  /** Due sessions not started: every pool user was busy. */
  skipped: number;
  inFlight: number;
  peakInFlight: number;
  /** Pool user connects, joins one long-lived room, types, chats, leaves by disconnecting. */
  visits: number;
  /** Creates a room with another pool user, joins it, types, chats, deletes it, disconnects. */
  cycles: number;
  /** Fresh guests signed in (each then runs a cycle): the user directory grew by this many. */
  signins: number;
  connects: number;
  joins: number;
  typing: number;
  roomsCreated: number;
  roomsDeleted: number;
  messagesSent: number;
  messagesAcked: number;
  /** Of those, sent into the long-lived rooms (by visits): they must be stored. */
  visitMessagesAcked: number;
  /** Failures by `<event> <code>` (or `<event>` for a timeout / transport error). */
  errors: Record<string, number>;
  /** The first few failure messages, for the log. */
  errorSamples: string[];
  connectMs: Distribution;
  sessionMs: Distribution;
}

/** Request name → [arguments, result]. */
export interface Calls {
  setupChat: [SetupChatArgs, SetupResult];
  setupRelay: [SetupRelayArgs, SetupResult];
  step: [StepArgs, StepResult];
  connectIdle: [ConnectIdleArgs, ConnectIdleResult];
  /** Closes every fan-out socket and connects the same users to other replicas. */
  reconnect: [ReconnectArgs, { setupMs: number }];
  closeAll: [Record<string, never>, { closed: number }];
  /** Closes the most recently opened `count` idle sockets. */
  closeIdle: [{ count: number }, { closed: number; open: number }];
  /** Loss and duplicates of recent steps, counting deliveries that arrived after their drain. */
  recount: [{ steps: number[] }, RecountResult[]];
  /** Signs the churn's pool users in and invites them to the long-lived rooms. */
  setupChurn: [SetupChurnArgs, { pool: number; setupMs: number }];
  /** Starts short-lived sessions at a steady rate until `stopChurn`; returns at once. */
  startChurn: [ChurnArgs, { started: number }];
  churnStats: [Record<string, never>, ChurnStats];
  /** Stops starting sessions, waits up to `drainMs` for those in flight. */
  stopChurn: [{ drainMs: number }, ChurnStats];
}

export type CallName = keyof Calls;

export interface Request<K extends CallName = CallName> {
  id: number;
  call: K;
  args: Calls[K][0];
}

export type Reply =
  { id: number; ok: true; result: Calls[CallName][1] } | { id: number; ok: false; error: string };
