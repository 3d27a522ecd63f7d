import { afterEach, describe, expect, it } from 'vitest';
import { StatementCache, statementsOf } from './sqlite.js';
import { openTempDatabase, type TempDatabase } from './temp-database.js';

describe('statementsOf', () => {
  const opened: TempDatabase[] = [];
  const open = (): TempDatabase => {
    const temp = openTempDatabase();
    opened.push(temp);
    return temp;
  };
  afterEach(() => {
    for (const temp of opened.splice(0)) temp.remove();
  });

  it('compiles a SQL text once per connection, for every adapter on it', () => {
    const { db } = open();
    const first = statementsOf(db).prepare('SELECT 1 AS one');
    expect(statementsOf(db)).toBe(statementsOf(db));
    expect(statementsOf(db).prepare('SELECT 1 AS one')).toBe(first);
    expect(statementsOf(db).prepare('SELECT 2 AS two')).not.toBe(first);
    expect(first.get()).toEqual({ one: 1 });
  });

  it('keeps each connection its own statements', () => {
    const a = open().db;
    const b = open().db;
    expect(statementsOf(a).prepare('SELECT 1')).not.toBe(statementsOf(b).prepare('SELECT 1'));
  });

  it('leaves the connection’s own prepare alone', () => {
    const { db } = open();
    expect(db.prepare('SELECT 1')).not.toBe(db.prepare('SELECT 1'));
  });

  it('stops keeping statements past its bound, and still compiles them', () => {
    const cache = new StatementCache(open().db);
    for (let i = 0; i < StatementCache.MAX; i += 1) cache.prepare(`SELECT ${i}`);
    const past = `SELECT ${StatementCache.MAX}`;
    expect(cache.prepare(past).get()).toBeDefined();
    expect(cache.prepare(past)).not.toBe(cache.prepare(past));
    expect(cache.prepare('SELECT 0')).toBe(cache.prepare('SELECT 0'));
  });
});
