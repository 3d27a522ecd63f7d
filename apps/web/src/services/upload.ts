import { ChatError, isErrorCode, type Attachment, type ErrorCode } from '@chat/contracts';
import { getRuntimeConfig } from './runtime-config';
import { retryAfterMsOf } from './server-error';

/** One upload under way: its answer, and a way to stop it. */
export interface UploadHandle {
  /** The stored attachment; rejects with a `ChatError`, or `UploadCancelled`. */
  done: Promise<Attachment>;
  cancel: () => void;
}

export interface UploadRequest {
  roomId: string;
  file: Blob;
  name: string;
  token: string;
  /** Bytes sent so far, of `total`. */
  onProgress: (loaded: number, total: number) => void;
}

/** Sends one file; the store is given this, tests give it another. */
export type Uploader = (request: UploadRequest) => UploadHandle;

/** How a cancelled upload ends: it never got an answer. */
export class UploadCancelled extends Error {
  constructor() {
    super('upload cancelled');
    this.name = 'UploadCancelled';
  }
}

type ErrorBody = { code?: unknown; message?: unknown; retryAfterMs?: unknown };

/** Status 0 is a request that got no answer at all (offline, refused connection). */
const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  0: 'UNAVAILABLE',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

const codeOfStatus = (status: number): ErrorCode =>
  CODE_BY_STATUS[status] ??
  (status >= 500 ? 'UNAVAILABLE' : status >= 400 ? 'BAD_REQUEST' : 'INTERNAL');

/** The `ChatError` for a failed HTTP answer: the body's code, else one the status implies. */
export const httpError = (status: number, body: ErrorBody): ChatError =>
  new ChatError(
    isErrorCode(body.code) ? body.code : codeOfStatus(status),
    typeof body.message === 'string' ? body.message : `HTTP ${status}`,
    retryAfterMsOf(body.retryAfterMs),
  );

const parse = (text: string): ErrorBody & { attachment?: Attachment } => {
  try {
    return JSON.parse(text) as ErrorBody & { attachment?: Attachment };
  } catch {
    return {};
  }
};

/**
 * `POST /chat/rooms/:roomId/attachments?name=` with the file as the raw body, through
 * XMLHttpRequest because fetch reports no upload progress.
 */
export const xhrUploader: Uploader = ({ roomId, file, name, token, onProgress }) => {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    });
    xhr.addEventListener('load', () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201 && body.attachment) resolve(body.attachment);
      else reject(httpError(xhr.status, body));
    });
    xhr.addEventListener('error', () => reject(httpError(0, {})));
    xhr.addEventListener('abort', () => reject(new UploadCancelled()));
  });
  const path = `/chat/rooms/${encodeURIComponent(roomId)}/attachments`;
  xhr.open('POST', `${getRuntimeConfig().gatewayUrl}${path}?name=${encodeURIComponent(name)}`);
  xhr.setRequestHeader('content-type', 'application/octet-stream');
  xhr.setRequestHeader('authorization', `Bearer ${token}`);
  xhr.send(file);
  return { done, cancel: () => xhr.abort() };
};

/** `GET /chat/attachments/:id`: the attachment with fresh signed links (members only). */
export async function fetchAttachment(id: string, token: string): Promise<Attachment> {
  let res: Response;
  try {
    res = await fetch(
      `${getRuntimeConfig().gatewayUrl}/chat/attachments/${encodeURIComponent(id)}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
  } catch {
    throw httpError(0, {});
  }
  const body = parse(await res.text());
  if (res.ok && body.attachment) return body.attachment;
  throw httpError(res.status, body);
}

/** A signed link (a path on the gateway) as an absolute URL. */
export const linkUrl = (path: string): string =>
  new URL(path, `${getRuntimeConfig().gatewayUrl}/`).href;
