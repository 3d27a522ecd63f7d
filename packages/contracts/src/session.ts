import { z } from 'zod';
import type { User } from './models.js';

/** Body of `POST /chat/session` (guest mode). */
export const SessionRequestSchema = z.object({ name: z.string().max(256) });
export type SessionRequest = z.infer<typeof SessionRequestSchema>;

export interface SessionResponse {
  token: string;
  user: Pick<User, 'id' | 'name'>;
}

/** The `auth` object a client passes to `io()`. */
export interface SocketAuth {
  token: string;
}
