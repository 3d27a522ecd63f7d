import { describe, expect, it } from 'vitest';
import { searchCost } from './search-cost.js';

describe(searchCost.name, () => {
  it('charges one point for a short query over the default page', () => {
    expect(searchCost({ query: 'hello' })).toBe(1);
    expect(searchCost({ query: '채팅방 공지 확인' })).toBe(1);
    expect(searchCost({ query: '" * -' })).toBe(1);
  });

  it('charges more for more terms and more hits, counting distinct terms only', () => {
    expect(searchCost({ query: 'a b c d' })).toBe(2);
    expect(searchCost({ query: 'hello '.repeat(30) })).toBe(1);
    expect(searchCost({ query: 'a b c d e f g h i j' })).toBe(4);
    expect(searchCost({ query: 'hello', limit: 100 })).toBe(2);
    expect(searchCost({ query: 'a b c d e f g h i j', limit: 100 })).toBe(17);
  });
});
