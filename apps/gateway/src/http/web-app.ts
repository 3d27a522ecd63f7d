import type { Express, NextFunction, Request, Response } from 'express';
import express from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

const PLACEHOLDER = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Chat</title>
<body style="font-family:system-ui;margin:3rem"><h1>Chat gateway is running</h1>
<p>The web app is not built yet: run <code>pnpm --filter @chat/web build</code>.</p></body></html>`;

/** Paths the SPA fallback must never answer (API, socket, probes). */
const isServerPath = (p: string) =>
  p.startsWith('/chat/') ||
  p === '/chat' ||
  ['/health', '/serving', '/ready', '/metrics'].includes(p);

/**
 * Serves the built web app at `/`: hashed assets cached for a year, `index.html` revalidated on
 * every load, and unknown GET paths answered with `index.html` for client-side routing.
 */
export function serveWebApp(app: Express, webDist: string): void {
  const index = path.join(webDist, 'index.html');
  if (!existsSync(index)) {
    app.get('/', (_req, res) => {
      res.type('html').send(PLACEHOLDER);
    });
    return;
  }
  app.use(
    express.static(webDist, {
      index: false,
      setHeaders(res, file) {
        const immutable = file.includes(`${path.sep}assets${path.sep}`);
        res.setHeader(
          'Cache-Control',
          immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || isServerPath(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
