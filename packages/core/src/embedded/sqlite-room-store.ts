import { ChatError } from '@chat/contracts';
import { RoomStore, type RoomChanges, type RoomRecord } from '../ports/room-store.port.js';
import {
  addMissingColumns,
  jsonList,
  settle,
  statementsOf,
  type SqliteDatabase,
  type StatementCache,
} from './sqlite.js';

interface RoomRow {
  room_id: string;
  name: string;
  topic: string;
  owner_id: string;
  created_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
  room_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  join_counter INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS room_members (
  room_id TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  join_order INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX IF NOT EXISTS room_members_user ON room_members (user_id);
CREATE TABLE IF NOT EXISTS room_read_pointers (
  room_id TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX IF NOT EXISTS room_read_pointers_user ON room_read_pointers (user_id);
`;

/**
 * The embedded room store. Join order comes from a per-room counter bumped on every join (in
 * the same transaction), so it is exact even for joins within one millisecond and a member who
 * leaves and comes back is ordered last. Memberships and read pointers cascade with the room.
 */
export class SqliteRoomStore extends RoomStore {
  private readonly statements: StatementCache;

  constructor(private readonly db: SqliteDatabase) {
    super();
    this.statements = statementsOf(db);
    db.exec(SCHEMA);
    // Rooms stored before topics existed get an empty one.
    addMissingColumns(db, 'rooms', ["topic TEXT NOT NULL DEFAULT ''"]);
    // Kept on the membership row, so leaving (deleting the row) clears it.
    addMissingColumns(db, 'room_members', ['muted INTEGER NOT NULL DEFAULT 0']);
  }

  /** Stores a new room with `members` in the given order; CONFLICT if the id is taken. */
  create(room: RoomRecord): Promise<void> {
    return settle(() =>
      this.db
        .transaction(() => {
          const { changes } = this.statements
            .prepare(
              'INSERT OR IGNORE INTO rooms (room_id, name, owner_id, created_at) VALUES (?, ?, ?, ?)',
            )
            .run(room.roomId, room.name, room.ownerId, room.createdAt);
          if (changes === 0) throw new ChatError('CONFLICT', `room ${room.roomId} exists`);
          this.join(room.roomId, room.members);
        })
        .immediate(),
    );
  }

  get(roomId: string): Promise<RoomRecord | undefined> {
    return settle(() => this.db.transaction(() => this.load([roomId])[0])());
  }

  roomsOf(userId: string): Promise<RoomRecord[]> {
    return settle(() =>
      this.db.transaction(() => {
        const ids = this.statements
          .prepare<[string], { room_id: string }>(
            'SELECT room_id FROM room_members WHERE user_id = ?',
          )
          .all(userId)
          .map((r) => r.room_id);
        return this.load(ids);
      })(),
    );
  }

  isMember(roomId: string, userId: string): Promise<boolean> {
    return settle(
      () =>
        this.statements
          .prepare('SELECT 1 FROM room_members WHERE room_id = ? AND user_id = ?')
          .get(roomId, userId) !== undefined,
    );
  }

  /** Adds the users not yet members, in order; NOT_FOUND when the room does not exist. */
  addMembers(roomId: string, userIds: readonly string[]): Promise<string[]> {
    return settle(() =>
      this.db
        .transaction(() => {
          if (!this.statements.prepare('SELECT 1 FROM rooms WHERE room_id = ?').get(roomId)) {
            throw new ChatError('NOT_FOUND', `room ${roomId} does not exist`);
          }
          return this.join(roomId, userIds);
        })
        .immediate(),
    );
  }

  removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined> {
    return settle(() =>
      this.db
        .transaction(() => {
          const { changes } = this.statements
            .prepare('DELETE FROM room_members WHERE room_id = ? AND user_id = ?')
            .run(roomId, userId);
          return changes === 0 ? undefined : this.load([roomId])[0];
        })
        .immediate(),
    );
  }

  update(roomId: string, changes: RoomChanges): Promise<RoomRecord | undefined> {
    return settle(() =>
      this.db
        .transaction(() => {
          const { changes: found } = this.statements
            .prepare(
              `UPDATE rooms SET name = coalesce(?, name), topic = coalesce(?, topic)
               WHERE room_id = ?`,
            )
            .run(changes.name ?? null, changes.topic ?? null, roomId);
          return found === 0 ? undefined : this.load([roomId])[0];
        })
        .immediate(),
    );
  }

  setOwner(roomId: string, ownerId: string): Promise<void> {
    return settle(() => {
      this.statements
        .prepare('UPDATE rooms SET owner_id = ? WHERE room_id = ?')
        .run(ownerId, roomId);
    });
  }

  deleteRoom(roomId: string): Promise<void> {
    return settle(() => {
      this.statements.prepare('DELETE FROM rooms WHERE room_id = ?').run(roomId);
    });
  }

  /** Moves the pointer only forward; false when it did not move or the room does not exist. */
  markRead(roomId: string, userId: string, seq: number): Promise<boolean> {
    return settle(() =>
      this.db
        .transaction(() => {
          if (
            seq <= 0 ||
            !this.statements.prepare('SELECT 1 FROM rooms WHERE room_id = ?').get(roomId)
          ) {
            return false;
          }
          const { changes } = this.statements
            .prepare(
              `INSERT INTO room_read_pointers (room_id, user_id, seq) VALUES (?, ?, ?)
               ON CONFLICT (room_id, user_id) DO UPDATE SET seq = excluded.seq
               WHERE excluded.seq > room_read_pointers.seq`,
            )
            .run(roomId, userId, seq);
          return changes > 0;
        })
        .immediate(),
    );
  }

  readPointers(userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    return settle(() => {
      const rows = this.statements
        .prepare<[string, string], { room_id: string; seq: number }>(
          `SELECT room_id, seq FROM room_read_pointers
           WHERE user_id = ? AND room_id IN (SELECT value FROM json_each(?))`,
        )
        .all(userId, jsonList(roomIds));
      const found = new Map(rows.map((r) => [r.room_id, r.seq]));
      return new Map(roomIds.map((id) => [id, found.get(id) ?? 0]));
    });
  }

  setMuted(roomId: string, userId: string, muted: boolean): Promise<boolean> {
    return settle(
      () =>
        this.statements
          .prepare('UPDATE room_members SET muted = ? WHERE room_id = ? AND user_id = ?')
          .run(muted ? 1 : 0, roomId, userId).changes > 0,
    );
  }

  mutedRooms(userId: string, roomIds: readonly string[]): Promise<Set<string>> {
    return settle(() => {
      const rows = this.statements
        .prepare<[string, string], { room_id: string }>(
          `SELECT room_id FROM room_members
           WHERE user_id = ? AND muted = 1 AND room_id IN (SELECT value FROM json_each(?))`,
        )
        .all(userId, jsonList(roomIds));
      return new Set(rows.map((r) => r.room_id));
    });
  }

  ping(): Promise<void> {
    return settle(() => {
      this.statements.prepare('SELECT 1').get();
    });
  }

  /** Nothing to release: the shared database is closed by whoever opened it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Inserts the users not yet members with the room's next join numbers; returns them. */
  private join(roomId: string, userIds: readonly string[]): string[] {
    const insert = this.statements.prepare(
      `INSERT OR IGNORE INTO room_members (room_id, user_id, join_order)
       VALUES (?, ?, (SELECT join_counter + 1 FROM rooms WHERE room_id = ?))`,
    );
    const bump = this.statements.prepare(
      'UPDATE rooms SET join_counter = join_counter + 1 WHERE room_id = ?',
    );
    const added: string[] = [];
    for (const userId of userIds) {
      if (insert.run(roomId, userId, roomId).changes === 0) continue;
      bump.run(roomId);
      added.push(userId);
    }
    return added;
  }

  /** Rooms with their members in join order, ordered by creation time then id. */
  private load(roomIds: readonly string[]): RoomRecord[] {
    const list = jsonList(roomIds);
    const rooms = this.statements
      .prepare<[string], RoomRow>(
        `SELECT room_id, name, topic, owner_id, created_at FROM rooms
         WHERE room_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, room_id`,
      )
      .all(list);
    const members = new Map<string, string[]>(rooms.map((r) => [r.room_id, []]));
    const rows = this.statements
      .prepare<[string], { room_id: string; user_id: string }>(
        `SELECT room_id, user_id FROM room_members
         WHERE room_id IN (SELECT value FROM json_each(?)) ORDER BY room_id, join_order`,
      )
      .all(list);
    for (const row of rows) members.get(row.room_id)?.push(row.user_id);
    return rooms.map((r) => ({
      roomId: r.room_id,
      name: r.name,
      ...(r.topic && { topic: r.topic }),
      ownerId: r.owner_id,
      createdAt: r.created_at,
      members: members.get(r.room_id) ?? [],
    }));
  }
}
