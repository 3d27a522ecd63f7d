/**
 * The baseline: a minimal Socket.IO relay — no validation, no authorisation, no persistence.
 * A socket joins the room named in its handshake; `send_message` is stamped (id, per-process
 * seq, time), broadcast to the room through the adapter and acked. With REDIS_URL it uses
 * the same Redis adapter as the gateway (`@socket.io/redis-adapter` on ioredis), so two
 * processes on one Redis form a cluster; without, the in-memory adapter (one process).
 *
 * Env: PORT, HOST (default 127.0.0.1), REDIS_URL (optional).
 */
import { CHAT_NAMESPACE, SOCKET_PATH } from '@chat/contracts';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface SendPayload {
  roomId?: unknown;
  content?: unknown;
}
type AckFn = (res: unknown) => void;

const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';
const redisUrl = process.env['REDIS_URL'];

const http = createServer((req, res) => {
  if (req.url === '/memory') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(process.memoryUsage()));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
});
const io = new Server(http, {
  path: SOCKET_PATH,
  transports: ['websocket'],
  serveClient: false,
});
const clients: Redis[] = [];
if (redisUrl) {
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  clients.push(pub, sub);
  io.adapter(createAdapter(pub, sub, { key: 'bench-relay' }));
}

let seq = 0;
io.of(CHAT_NAMESPACE).on('connection', (socket) => {
  const auth = socket.handshake.auth as { room?: unknown; user?: unknown };
  const user = typeof auth.user === 'string' ? auth.user : socket.id;
  if (typeof auth.room === 'string') void socket.join(`room:${auth.room}`);
  socket.on('send_message', (payload: SendPayload, ack?: AckFn) => {
    const roomId = String(payload.roomId);
    const message = {
      id: randomUUID(),
      roomId,
      seq: ++seq,
      userId: user,
      content: String(payload.content),
      createdAt: new Date().toISOString(),
      kind: 'user',
    };
    io.of(CHAT_NAMESPACE).to(`room:${roomId}`).emit('receive_message', message);
    ack?.({ ok: true, data: { id: message.id, seq: message.seq, createdAt: message.createdAt } });
  });
});

http.listen(port, host, () => process.stdout.write(`relay ready on ${host}:${port}\n`));

const stop = () => {
  void io.close().finally(() => {
    for (const client of clients) client.disconnect();
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
