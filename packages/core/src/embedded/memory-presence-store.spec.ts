import { describe, expect, it } from 'vitest';
import { describePresenceConformance } from '../conformance/index.js';
import { MemoryPresenceStore } from './memory-presence-store.js';

describePresenceConformance(MemoryPresenceStore.name, () => {
  const sut = new MemoryPresenceStore();
  return Promise.resolve({ sut, cleanup: () => sut.close() });
});

describe(`${MemoryPresenceStore.name} typing throttle`, () => {
  it('allows typing again exactly when the window has passed', async () => {
    let clock = 1_000;
    const sut = new MemoryPresenceStore(() => clock);
    expect(await sut.allowTyping('u', 'r', 2000)).toBe(true);
    clock += 1999;
    expect(await sut.allowTyping('u', 'r', 2000)).toBe(false);
    clock += 1;
    expect(await sut.allowTyping('u', 'r', 2000)).toBe(true);
    expect(await sut.allowTyping('u', 'r', 2000)).toBe(false);
  });
});
