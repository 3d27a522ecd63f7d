import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';

export interface UploadResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * `POST /chat/rooms/:roomId/attachments` with the bytes as the body (for tests and the bench). The answer is read even
 * when the server answers before the whole body is sent (a refusal does not wait for it).
 */
export function upload(
  baseUrl: string,
  options: {
    roomId: string;
    name: string;
    bytes: Uint8Array;
    token?: string;
    headers?: OutgoingHttpHeaders;
  },
): Promise<UploadResponse> {
  const url = `${baseUrl}/chat/rooms/${encodeURIComponent(options.roomId)}/attachments?name=${encodeURIComponent(options.name)}`;
  return sendBytes('POST', url, options);
}

/** `PUT /chat/profile/avatar` with the image's bytes as the body, like `upload`. */
export function uploadAvatar(
  baseUrl: string,
  options: { bytes: Uint8Array; token?: string; headers?: OutgoingHttpHeaders },
): Promise<UploadResponse> {
  return sendBytes('PUT', `${baseUrl}/chat/profile/avatar`, options);
}

/**
 * Sends `bytes` as an `application/octet-stream` body. The answer is read even when the server
 * answers before the whole body is sent (a refusal does not wait for it).
 */
function sendBytes(
  method: 'POST' | 'PUT',
  url: string,
  options: { bytes: Uint8Array; token?: string; headers?: OutgoingHttpHeaders },
): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(options.bytes.length),
          ...(options.token && { authorization: `Bearer ${options.token}` }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
        res.on('error', reject);
      },
    );
    // A server that refuses early may close before the body is written: its answer counts.
    req.on('error', (error) => setTimeout(() => reject(error), 1000));
    req.end(options.bytes);
  });
}

/**
 * Starts an upload that promises `declared` bytes, sends `sent` of them, waits for `until`,
 * then drops the connection: a client that goes away mid-upload.
 */
export async function abandonUpload(
  baseUrl: string,
  options: { roomId: string; name: string; token: string; declared: number; sent: Uint8Array },
  until: () => Promise<void>,
): Promise<void> {
  const url = `${baseUrl}/chat/rooms/${options.roomId}/attachments?name=${encodeURIComponent(options.name)}`;
  const req = request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': String(options.declared),
      authorization: `Bearer ${options.token}`,
    },
  });
  req.on('error', () => undefined);
  req.write(options.sent);
  await until();
  req.destroy();
}
