import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'socket.io';
import type { OriginPolicy } from '../http/origin-policy.js';

type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

const query = (req: IncomingMessage) => new URLSearchParams(req.url?.split('?')[1] ?? '');

/**
 * Engine.io's `allowRequest`, run once per session at its handshake (the first polling GET or
 * a direct WebSocket upgrade): refuses pages of other sites, since browsers apply no CORS to
 * WebSockets and send a polling request whatever CORS later lets them read, and JSONP polling
 * (`j=`), whose script responses any page may load. The transport is chosen at the handshake,
 * so refusing it there turns JSONP off for good.
 */
export const allowHandshake =
  (origins: OriginPolicy): AllowRequest =>
  (req, callback) => {
    const refusal = query(req).has('j') ? 'JSONP polling is off' : origins.refusal(req.headers);
    callback(refusal ?? null, refusal === undefined);
  };

/** The documented `clients` map of an engine.io server (typed as protected). */
interface EngineSessions {
  clients: Record<string, { close(discard?: boolean): void } | undefined>;
}

/**
 * Engine.io answers a long-polling POST above `maxHttpBufferSize` with 413 but keeps the
 * session, where a WebSocket frame over the limit closes its connection. Close the session as
 * well, so both transports do what the protocol says: the connection is dropped, nothing of the
 * oversized request is processed, and the client reconnects.
 */
export function closeSessionOnOversizedPost(server: Server): void {
  const sessions = server.engine as unknown as EngineSessions;
  server.engine.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.method === 'POST') {
      res.once('finish', () => {
        const sid = query(req).get('sid');
        if (res.statusCode === 413 && sid) sessions.clients[sid]?.close(true);
      });
    }
    next();
  });
}
