import {
  ChatError,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  MAX_ATTACHMENTS_PER_MESSAGE,
  type Attachment,
  type ErrorCode,
  type MessageAttachment,
} from '@chat/contracts';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { newClientMsgId } from '../services/ids';
import { UploadCancelled, xhrUploader, type UploadHandle, type Uploader } from '../services/upload';
import { useAttachmentsStore } from './attachments.store';
import { useAuthStore } from './auth.store';
import { useRoomsStore } from './rooms.store';

/** Why a file is not attached: a check here (`EMPTY`) or the server's error code. */
export type UploadProblem = ErrorCode | 'EMPTY';

/** A file picked for the next message of a room: under way, uploaded, or refused. */
export interface PendingUpload {
  key: string;
  roomId: string;
  name: string;
  size: number;
  status: 'uploading' | 'done' | 'failed';
  /** Bytes sent so far. */
  loaded: number;
  attachment?: Attachment;
  problem?: UploadProblem;
}

/** What a message carries of an uploaded attachment. */
export const toMessageAttachment = (a: Attachment): MessageAttachment => ({
  id: a.id,
  name: a.name,
  type: a.type,
  size: a.size,
  ...(a.width !== undefined && { width: a.width }),
  ...(a.height !== undefined && { height: a.height }),
  ...(a.thumbnailUrl !== undefined && { thumbnail: true }),
});

/** A pasted image may come without a name; the server wants one (it is only a label). */
const nameOf = (file: File): string => file.name.trim() || 'file';

/**
 * The files waiting to go with the next message of each room. Limits are checked here before a
 * byte is sent (at most `MAX_ATTACHMENTS_PER_MESSAGE` files, each at most `maxBytes`); the
 * server checks them again. A removed upload is cancelled; a finished one goes to the message
 * with `take`.
 */
export const useUploadsStore = defineStore('uploads', () => {
  const byRoom = reactive<Record<string, PendingUpload[]>>({});
  /** Files left out of the last pick of each room, for want of room under the limit. */
  const leftOut = reactive<Record<string, number>>({});
  const maxBytes = ref(DEFAULT_ATTACHMENT_MAX_BYTES);
  const handles = new Map<string, UploadHandle>();
  let uploader: Uploader = xhrUploader;

  const inRoom = (roomId: string): PendingUpload[] => byRoom[roomId] ?? [];
  const counted = (roomId: string) => inRoom(roomId).filter((u) => u.status !== 'failed');
  const isBusy = (roomId: string): boolean => inRoom(roomId).some((u) => u.status === 'uploading');
  const ready = (roomId: string): PendingUpload[] =>
    inRoom(roomId).filter((u) => u.status === 'done');
  /** Share of the file sent, 0 to 1. */
  const progressOf = (u: PendingUpload): number =>
    u.status === 'done' ? 1 : u.size > 0 ? Math.min(1, u.loaded / u.size) : 0;

  function useUploader(next: Uploader): void {
    uploader = next;
  }

  function fail(u: PendingUpload, problem: UploadProblem): void {
    u.status = 'failed';
    u.problem = problem;
  }

  function start(u: PendingUpload, file: File): void {
    const token = useAuthStore().token;
    if (token === null) return fail(u, 'UNAUTHORIZED');
    const handle = uploader({
      roomId: u.roomId,
      file,
      name: u.name,
      token,
      onProgress: (loaded) => (u.loaded = loaded),
    });
    handles.set(u.key, handle);
    handle.done
      .then((attachment) => {
        useAttachmentsStore().remember(attachment);
        u.attachment = attachment;
        u.loaded = u.size;
        u.status = 'done';
      })
      .catch((err: unknown) => {
        if (err instanceof UploadCancelled) return;
        fail(u, err instanceof ChatError ? err.code : 'INTERNAL');
      })
      .finally(() => handles.delete(u.key));
  }

  /** Picks files for the room's next message and starts uploading those within the limits. */
  function add(roomId: string, files: readonly File[]): void {
    if (!byRoom[roomId]) byRoom[roomId] = [];
    const list = byRoom[roomId];
    const free = Math.max(0, MAX_ATTACHMENTS_PER_MESSAGE - counted(roomId).length);
    if (files.length > free) leftOut[roomId] = files.length - free;
    else delete leftOut[roomId];
    for (const file of files.slice(0, free)) {
      list.push({
        key: newClientMsgId(),
        roomId,
        name: nameOf(file),
        size: file.size,
        status: 'uploading',
        loaded: 0,
      });
      // Read back through the reactive array, so progress written later shows.
      const u = list[list.length - 1]!;
      if (file.size === 0) fail(u, 'EMPTY');
      else if (file.size > maxBytes.value) fail(u, 'PAYLOAD_TOO_LARGE');
      else start(u, file);
    }
  }

  /** Removes a file from the room's next message, cancelling its upload if still under way. */
  function remove(roomId: string, key: string): void {
    handles.get(key)?.cancel();
    handles.delete(key);
    const list = byRoom[roomId];
    const index = list?.findIndex((u) => u.key === key) ?? -1;
    if (index >= 0) list?.splice(index, 1);
    delete leftOut[roomId];
  }

  /** The uploaded files, for the message being sent; they leave the tray (refused ones stay). */
  function take(roomId: string): MessageAttachment[] {
    const done = ready(roomId);
    byRoom[roomId] = inRoom(roomId).filter((u) => u.status !== 'done');
    delete leftOut[roomId];
    return done.flatMap((u) => (u.attachment ? [toMessageAttachment(u.attachment)] : []));
  }

  function drop(roomId: string): void {
    for (const u of inRoom(roomId)) handles.get(u.key)?.cancel();
    delete byRoom[roomId];
    delete leftOut[roomId];
  }
  useRoomsStore().onRemove(drop);

  return {
    byRoom,
    leftOut,
    maxBytes,
    inRoom,
    isBusy,
    ready,
    progressOf,
    useUploader,
    add,
    remove,
    take,
    drop,
  };
});
