import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which browser pages may change state here (a REST request other than GET/HEAD/OPTIONS, or a
 * Socket.IO handshake): pages of the server's own origin and of the `CORS_ORIGINS` entries.
 *
 * Browsers send `Origin` on every cross-origin request, every POST and every WebSocket
 * handshake, and a page cannot forge it or `Host`. A request without `Origin` therefore does
 * not come from another site's page (Node, Go and command-line clients send none) and passes.
 */
export class OriginPolicy {
  private readonly listed: ReadonlySet<string>;

  constructor(corsOrigins: readonly string[] = []) {
    this.listed = new Set(corsOrigins);
  }

  /** Why a request with these headers is refused, or undefined when it may go on. */
  refusal(headers: IncomingHttpHeaders): string | undefined {
    const { origin, host } = headers;
    if (origin === undefined || this.listed.has(origin) || isOwnOrigin(origin, host)) {
      return undefined;
    }
    return `pages of ${origin} may not use this server; CORS_ORIGINS lists the sites that may`;
  }
}

/**
 * The server's own origin is the one the browser addressed, whose host it sent as `Host`. A
 * browser names every port but the scheme's default, so a `Host` without a port means the
 * default one or a proxy that dropped it (NGINX's `$host`); then the host name alone is compared.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const forwarded = host.toLowerCase();
  return url.host === forwarded || (!/:\d+$/.test(forwarded) && url.hostname === forwarded);
}
