/**
 * The client's IP address. Behind `trustedHops` proxies (Kong, NGINX) it is the address the
 * outermost trusted proxy saw: the `trustedHops`-th entry from the right of
 * `X-Forwarded-For`. With 0 it is the peer address: a header the client wrote is never trusted.
 */
export function clientIp(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const direct = normalise(peer ?? 'unknown');
  if (trustedHops === 0) return direct;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const hops = header
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
  // Each trusted proxy appended the address it saw; the ones left of those are the client's word.
  const seen = hops[hops.length - trustedHops];
  return seen === undefined ? direct : normalise(seen);
}

/** `::ffff:127.0.0.1` and `127.0.0.1` are one client. */
const normalise = (address: string): string => address.replace(/^::ffff:/, '');
