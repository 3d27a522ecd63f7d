import type { Express, NextFunction, Request, Response } from 'express';
import express from 'express';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Chat</title>
<body style="font-family:system-ui;margin:3rem"><h1>Chat gateway is running</h1>
<p>The web app is not built yet: run <code>pnpm --filter @chat/web build</code>.</p></body></html>`;

/** Paths the SPA fallback must never answer (API, socket, probes). */
const isServerPath = (p: string) =>
  p.startsWith('/chat/') ||
  p === '/chat' ||
  ['/health', '/serving', '/ready', '/metrics'].includes(p);

/** The encodings the build writes beside a file (`vite.config.ts`), in order of preference. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;
type Encoding = (typeof ENCODINGS)[number]['name'];

/** Hashed assets never change under their name; everything else is revalidated. */
const cacheControlOf = (urlPath: string): string =>
  urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';

/** URL path → the encodings precompressed at build time for that file, read once at start. */
function precompressed(webDist: string): Map<string, Set<Encoding>> {
  const files = new Set(readdirSync(webDist, { recursive: true, encoding: 'utf8' }));
  const variants = new Map<string, Set<Encoding>>();
  for (const file of files) {
    const found = ENCODINGS.filter((e) => files.has(file + e.ext)).map((e) => e.name);
    if (found.length > 0) variants.set(`/${file.split(path.sep).join('/')}`, new Set(found));
  }
  return variants;
}

/**
 * The preferred encoding of `available` that `Accept-Encoding` allows (`q` above 0, named or by
 * `*`); undefined for the file as is.
 */
export function negotiateEncoding(
  header: string | undefined,
  available: ReadonlySet<Encoding>,
): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (token) weights.set(token, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const accepts = (name: string) => (weights.get(name) ?? weights.get('*') ?? 0) > 0;
  return ENCODINGS.find((e) => available.has(e.name) && accepts(e.name))?.name;
}

/**
 * Serves the built web app at `/`: hashed assets cached for a year, `index.html` revalidated on
 * every load, and unknown GET paths answered with `index.html` for client-side routing. A file
 * the build precompressed is sent as its `.br` or `.gz` copy to a client that accepts it, with
 * `Content-Encoding` and `Vary: Accept-Encoding` (as NGINX's `gzip_static` does), never
 * compressed per request.
 */
export function serveWebApp(app: Express, webDist: string): void {
  const index = path.join(webDist, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (_req, res) => {
      res.type('html').send(PLACEHOLDER);
    });
    return;
  }
  const variants = precompressed(webDist);
  /** Sends `urlPath`'s file, or its precompressed copy; false when there is none of either. */
  const sendPrecompressed = (req: Request, res: Response, urlPath: string): boolean => {
    const available = variants.get(urlPath);
    if (!available) return false;
    res.vary('Accept-Encoding');
    const encoding = negotiateEncoding(req.get('accept-encoding'), available);
    if (!encoding) return false;
    const file = path.join(webDist, ...urlPath.split('/'));
    res.setHeader('Content-Encoding', encoding);
    res.setHeader('Cache-Control', cacheControlOf(urlPath));
    // The type of the file, not of its `.br`/`.gz` copy; `sendFile` keeps a type already set.
    res.type(path.extname(file));
    res.sendFile(file + (encoding === 'br' ? '.br' : '.gz'), { cacheControl: false });
    return true;
  };
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (!sendPrecompressed(req, res, req.path)) next();
  });
  app.use(
    express.static(webDist, {
      index: false,
      setHeaders(res, file) {
        const relative = path.relative(webDist, file).split(path.sep).join('/');
        res.setHeader('Cache-Control', cacheControlOf(`/${relative}`));
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || isServerPath(req.path)) return next();
    if (sendPrecompressed(req, res, '/index.html')) return;
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
