import type { Attachment, ChatError } from '@chat/contracts';
import { UploadCancelled, type UploadRequest, type Uploader } from '../services/upload';

/** An upload the test drives by hand: progress, then the server's answer. */
export interface DrivenUpload {
  request: UploadRequest;
  cancelled: boolean;
  finish(attachment?: Partial<Attachment>): void;
  refuse(error: ChatError): void;
}

/**
 * An uploader whose uploads wait for the test to finish or refuse them (the HTTP upload itself
 * is exercised end to end in `e2e/attachments.e2e.ts`).
 */
export function drivenUploader(): { uploader: Uploader; started: DrivenUpload[] } {
  const started: DrivenUpload[] = [];
  const uploader: Uploader = (request) => {
    let resolve!: (a: Attachment) => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<Attachment>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const driven: DrivenUpload = {
      request,
      cancelled: false,
      finish: (extra = {}) =>
        resolve({
          id: `att-${request.name}`,
          roomId: request.roomId,
          uploaderId: 'alice',
          name: request.name,
          type: 'image/png',
          size: request.file.size,
          createdAt: new Date().toISOString(),
          inline: true,
          url: `/chat/attachments/att-${request.name}/content?exp=1&sig=x`,
          urlExpiresAt: new Date(Date.now() + 900_000).toISOString(),
          ...extra,
        }),
      refuse: (error) => reject(error),
    };
    started.push(driven);
    return {
      done,
      cancel: () => {
        driven.cancelled = true;
        reject(new UploadCancelled());
      },
    };
  };
  return { uploader, started };
}
