import helmet from 'helmet';

/**
 * The web app's Content-Security-Policy, sent as a header: the sources of the meta tag in
 * `apps/web/index.html` (a test keeps the two equal), plus what only a header can say — no
 * page may frame the app — and forms post to this origin only. `connect-src` admits any
 * http(s) and ws(s) origin, as the meta tag does, because `/config.json` may point the app at a
 * gateway on another origin.
 */
const CONTENT_SECURITY_POLICY: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'ws:', 'wss:', 'http:', 'https:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response of this server (web app, REST, Socket.IO polling): the
 * CSP above, `X-Frame-Options: DENY`, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer` and helmet's other defaults — except HSTS: this server speaks
 * plain HTTP, and whether a host name is HTTPS-only (and its subdomains) is the TLS edge's call.
 */
export const securityHeaders = () =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
