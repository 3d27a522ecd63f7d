import type { Message, SessionResponse } from '@chat/contracts';
import { pool, sleep } from '../stats.js';
import { connect, createSession, request, type ClientSocket } from './client.js';
import type { ReconnectArgs, SetupChatArgs, SetupRelayArgs, SetupResult } from './protocol.js';

export interface Member {
  userId: string;
  token: string;
  room: number;
  index: number;
  socket: ClientSocket | undefined;
  lastSeq: number;
  /** Seq of the member's own newest acked message: what its edits change. */
  ownSeq: number;
  /** `<seq> <emoji>` of the reactions the member has on (a reaction step toggles them). */
  reacted: Set<string>;
}

export interface Room {
  roomId: string;
  members: Member[];
  /** Bit per member that received the current warm-up message. */
  warm: number;
  warmAttempt: number;
  /** Seq of the newest message delivered in the room: what reactions go to. */
  newestSeq: number;
}

/** Where the members' measured messages go: the step being run. */
export interface Receiver {
  /** A room's seq went backwards at a member (chat mode). */
  outOfOrder(): void;
  /** A message or change that is not a warm-up one arrived at `member` at `now`. */
  received(member: Member, room: Room, message: Message, now: number): void;
}

/**
 * The fan-out rooms and their members, each holding one socket: signed in and connected to
 * our gateways (chat mode) or to the bare relay, and warmed up until every member receives.
 */
export class Members {
  rooms: Room[] = [];
  chatMode = true;
  /** Fan-out sockets the server dropped (not closed by us). */
  disconnects = 0;
  /** Gets every measured message the members receive. */
  receiver: Receiver | undefined;

  async setupChat(args: SetupChatArgs): Promise<SetupResult> {
    const started = performance.now();
    this.chatMode = true;
    const [first] = args.targets;
    if (!first) throw new Error('no targets');
    const names: string[][] = Array.from({ length: args.rooms }, (_, r) =>
      Array.from({ length: args.members }, (_, m) => `${args.runTag}r${r}m${m}`),
    );
    const all = [...names.flat(), args.probeName];
    const tokens = new Map<string, SessionResponse>();
    const sessionsStarted = performance.now();
    await pool(all, 16, async (name) => {
      tokens.set(name, await createSession(first, name));
    });
    const sessionsPerSec = all.length / ((performance.now() - sessionsStarted) / 1000);
    const session = (name: string) => {
      const s = tokens.get(name);
      if (!s) throw new Error(`no session for ${name}`);
      return s;
    };
    this.rooms = names.map((row, r) => ({
      roomId: '',
      warm: 0,
      warmAttempt: 0,
      newestSeq: 0,
      members: row.map((name, m) => ({
        userId: session(name).user.id,
        token: session(name).token,
        room: r,
        index: m,
        socket: undefined,
        lastSeq: 0,
        ownSeq: 0,
        reacted: new Set<string>(),
      })),
    }));
    await this.createRooms(session(args.probeName).user.id, args.targets);
    await this.warmUp();
    return {
      roomIds: this.rooms.map((r) => r.roomId),
      probeToken: session(args.probeName).token,
      sessionsPerSec,
      setupMs: performance.now() - started,
    };
  }

  /** Owners first: they create the rooms; the others then join their rooms at connect time. */
  private async createRooms(probeId: string, targets: readonly string[]): Promise<void> {
    const owners = this.rooms.map((room) => room.members[0] as Member);
    await pool(owners, 32, (owner) => this.connectMember(owner, targets));
    await pool(this.rooms, 8, async (room) => {
      const owner = room.members[0] as Member;
      const participants = [...room.members.slice(1).map((m) => m.userId), probeId];
      const res = await request(owner.socket, 'create_room', {
        name: `bench ${owner.room}`,
        participants,
      });
      room.roomId = res.room.roomId;
    });
    const others = this.rooms.flatMap((room) => room.members.slice(1));
    await pool(others, 32, (member) => this.connectMember(member, targets));
  }

  async setupRelay(args: SetupRelayArgs): Promise<SetupResult> {
    const started = performance.now();
    this.chatMode = false;
    this.rooms = Array.from({ length: args.rooms }, (_, r) => ({
      roomId: `relay${r}`,
      warm: 0,
      warmAttempt: 0,
      newestSeq: 0,
      members: Array.from({ length: args.members }, (_, m) => ({
        userId: `r${r}m${m}`,
        token: '',
        room: r,
        index: m,
        socket: undefined,
        lastSeq: 0,
        ownSeq: 0,
        reacted: new Set<string>(),
      })),
    }));
    await pool(
      this.rooms.flatMap((room) => room.members),
      32,
      (member) => this.connectMember(member, args.targets),
    );
    await this.warmUp();
    return {
      roomIds: this.rooms.map((r) => r.roomId),
      probeToken: '',
      sessionsPerSec: 0,
      setupMs: performance.now() - started,
    };
  }

  async reconnect(args: ReconnectArgs): Promise<{ setupMs: number }> {
    const started = performance.now();
    for (const member of this.rooms.flatMap((room) => room.members)) {
      const socket = member.socket;
      member.socket = undefined;
      member.lastSeq = 0;
      socket?.disconnect();
    }
    await pool(
      this.rooms.flatMap((room) => room.members),
      32,
      (member) => this.connectMember(member, args.targets),
    );
    await this.warmUp();
    return { setupMs: performance.now() - started };
  }

  /** Closes every member's socket; returns how many were open. */
  closeAll(): number {
    let closed = 0;
    for (const member of this.rooms.flatMap((room) => room.members)) {
      const socket = member.socket;
      member.socket = undefined;
      if (socket) closed++;
      socket?.disconnect();
    }
    return closed;
  }

  private async connectMember(member: Member, targets: readonly string[]): Promise<void> {
    const target = targets[member.index % targets.length] ?? '';
    const room = this.rooms[member.room];
    const auth: Record<string, string> = this.chatMode
      ? { token: member.token }
      : { room: room?.roomId ?? '', user: member.userId };
    const socket = await connect(target, auth);
    member.socket = socket;
    socket.on('receive_message', (message) => this.receive(member, message));
    socket.on('message_changed', (change) => this.receive(member, change));
    socket.on('disconnect', () => {
      if (member.socket === socket) this.disconnects++;
    });
  }

  /** Every room sends a message until every member has received one (fan-out is wired). */
  private async warmUp(): Promise<void> {
    const full = (room: Room) => room.warm === (1 << room.members.length) - 1;
    for (let attempt = 1; attempt <= 20; attempt++) {
      const cold = this.rooms.filter((room) => !full(room));
      if (cold.length === 0) return;
      for (const room of cold) {
        room.warm = 0;
        room.warmAttempt = attempt;
        room.members[0]?.socket?.emit('send_message', {
          roomId: room.roomId,
          content: `w ${room.members[0].room} ${attempt}`,
        });
      }
      for (let wait = 0; wait < 20 && this.rooms.some((room) => !full(room)); wait++) {
        await sleep(50);
      }
    }
    const cold = this.rooms.filter((room) => !full(room)).length;
    if (cold > 0)
      throw new Error(`${cold} rooms never delivered a warm-up message to every member`);
  }

  private receive(member: Member, message: Message): void {
    const now = performance.now();
    const content = message.content;
    const room = this.rooms[member.room];
    if (!room) return;
    if (this.chatMode) {
      if (message.seq <= member.lastSeq) this.receiver?.outOfOrder();
      member.lastSeq = message.seq;
      if (message.kind === 'user') room.newestSeq = Math.max(room.newestSeq, message.seq);
    }
    if (content.startsWith('w ')) {
      if (content === `w ${member.room} ${room.warmAttempt}`) room.warm |= 1 << member.index;
      return;
    }
    this.receiver?.received(member, room, message, now);
  }
}
