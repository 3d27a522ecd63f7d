import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip.js';

describe('clientIp', () => {
  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientIp('::ffff:127.0.0.1', '10.9.9.9', 0)).toBe('127.0.0.1');
  });

  it('is the entry the trusted proxy appended, not one the client wrote', () => {
    expect(clientIp('172.18.0.5', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientIp('172.18.0.5', ['6.6.6.6', '203.0.113.7, 172.18.0.4'], 2)).toBe('203.0.113.7');
  });

  it('falls back to the peer when fewer hops than trusted reached it', () => {
    expect(clientIp('172.18.0.5', undefined, 1)).toBe('172.18.0.5');
  });
});
