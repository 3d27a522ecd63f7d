import { describe, expect, it } from 'vitest';
import { roomTitle } from './room-title';

const names: Record<string, string> = { alice: 'Alice', bob: 'Bob', carol: 'Carol' };
const nameOf = (id: string): string => names[id] ?? id;
const ONLY_YOU = 'Only you';

describe(roomTitle.name, () => {
  it('keeps a room its name when it has one', () => {
    const sut = roomTitle(
      { name: 'Team', participants: ['alice', 'bob'] },
      'alice',
      nameOf,
      ONLY_YOU,
    );

    expect(sut).toBe('Team');
  });

  it('titles an unnamed room of two with the other person only, never yourself', () => {
    const sut = roomTitle({ name: '', participants: ['alice', 'bob'] }, 'alice', nameOf, ONLY_YOU);

    expect(sut).toBe('Bob');
  });

  it('titles an unnamed room of two the same way whichever order the members are in', () => {
    const sut = roomTitle({ name: ' ', participants: ['bob', 'alice'] }, 'alice', nameOf, ONLY_YOU);

    expect(sut).toBe('Bob');
  });

  it('titles a room of one with yourself as only you', () => {
    const sut = roomTitle({ name: '', participants: ['alice'] }, 'alice', nameOf, ONLY_YOU);

    expect(sut).toBe(ONLY_YOU);
  });

  it('lists the other members of a larger unnamed room', () => {
    const sut = roomTitle(
      { name: '', participants: ['alice', 'bob', 'carol'] },
      'alice',
      nameOf,
      ONLY_YOU,
    );

    expect(sut).toBe('Bob, Carol');
  });
});
