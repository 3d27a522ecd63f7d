import { ChatError } from '@chat/contracts';
import type { Identity } from '@chat/core';
import type { Response } from 'express';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Authenticator } from '../auth/authenticator.js';
import type { RateLimits } from '../chat/rate-limits.js';

/** What the REST controllers share: the caller, query values, upload lengths and file bodies. */

export type QueryParams = Record<string, string | string[] | undefined>;

/** A query value given once or more: the first. */
export const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * The authenticated caller (a live session: a signed-out token is refused). Every REST request
 * takes a point of the caller's shared event budget: embedded mode has no Kong in front.
 */
export async function restCaller(
  auth: Authenticator,
  limits: RateLimits,
  header: unknown,
): Promise<Identity> {
  const { user } = await auth.fromHeader(header);
  await limits.consume('event', user.id);
  return user;
}

/**
 * The declared body length of an upload (`what`: "file", "image"); an upload must declare it,
 * so the size and byte limits apply before any byte is read.
 */
export function declaredLength(header: string | undefined, what: string): number {
  if (header === undefined || !/^\d{1,15}$/.test(header)) {
    throw new ChatError('BAD_REQUEST', `send the ${what} with a Content-Length`);
  }
  return Number(header);
}

/** Policy of a served file: it may never run as a page of this origin. */
const DOWNLOAD_CSP = "default-src 'none'; sandbox";

export interface ServedFile {
  type: string;
  size: number;
  /** The `Content-Disposition` header. */
  disposition: string;
  /** How long it may be cached: until its signed link expires. */
  cacheSeconds: number;
  body: Readable;
}

/**
 * Streams a file reached through a signed link, with the headers that keep it from being
 * sniffed or run as a page. Once it is under way (the client left, or the store failed
 * mid-file) there is no error to answer: the pipeline has ended the connection, which tells
 * the client.
 */
export async function sendFile(res: Response, file: ServedFile): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', file.type);
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('Content-Disposition', file.disposition);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', DOWNLOAD_CSP);
  // The signature, not the page that asks, decides who may load it.
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', `private, max-age=${file.cacheSeconds}`);
  try {
    await pipeline(file.body, res);
  } catch (error) {
    if (!res.headersSent) throw error;
  }
}
