/**
 * The upload baseline: a bare HTTP server that streams each request body to a new file and
 * answers 201 — no authentication, no type sniffing, no hashing, no thumbnails, no records.
 * It is the floor of what an upload costs on this machine's loopback and disk.
 *
 * Env: PORT, HOST (default 127.0.0.1), UPLOAD_DIR.
 */
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';
const dir = process.env['UPLOAD_DIR'] ?? '.';
let uploads = 0;

createServer((req, res) => {
  const file = path.join(dir, `upload-${uploads++}`);
  pipeline(req, createWriteStream(file)).then(
    () => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'),
    () => res.writeHead(500).end(),
  );
}).listen(port, host);
