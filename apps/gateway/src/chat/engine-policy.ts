import type { IncomingMessage } from 'node:http';
import type { OriginPolicy } from '../http/origin-policy.js';

type AllowRequest = (
  req: IncomingMessage,
  callback: (error: string | null | undefined, success: boolean) => void,
) => void;

/**
 * Engine.io's `allowRequest`, run once per session at its handshake (the first polling GET or
 * a direct WebSocket upgrade): refuses pages of other sites, since browsers apply no CORS to
 * WebSockets and send a polling request whatever CORS later lets them read.
 */
export const allowHandshake =
  (origins: OriginPolicy): AllowRequest =>
  (req, callback) => {
    const refusal = origins.refusal(req.headers);
    callback(refusal ?? null, refusal === undefined);
  };
