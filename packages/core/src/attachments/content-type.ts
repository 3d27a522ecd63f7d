import { ChatError } from '@chat/contracts';
import { extensionOf } from './file-name.js';

/** How many leading bytes decide the type. */
export const SNIFF_BYTES = 4100;

/** Raster image types browsers render safely: served inline, measured and thumbnailed. */
export const INLINE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/**
 * Extensions whose files announce themselves in their first bytes. A name ending in one whose
 * bytes say otherwise (an HTML page named `.png`) is refused: whoever opens it expects the type
 * its name says. Each maps to the sniffed extensions that satisfy it.
 */
const SELF_DESCRIBING: Readonly<Record<string, readonly string[]>> = {
  png: ['png', 'apng'],
  jpg: ['jpg'],
  jpeg: ['jpg'],
  gif: ['gif'],
  webp: ['webp'],
  avif: ['avif'],
  heic: ['heic'],
  bmp: ['bmp'],
  tif: ['tif'],
  tiff: ['tif'],
  ico: ['ico'],
  pdf: ['pdf'],
  zip: ['zip'],
  gz: ['gz'],
  '7z': ['7z'],
  rar: ['rar'],
  mp3: ['mp3'],
  mp4: ['mp4', 'm4v', 'm4a'],
  m4a: ['m4a', 'mp4'],
  mov: ['mov', 'qt'],
  webm: ['webm'],
  ogg: ['ogg', 'oga', 'ogv', 'opus'],
  wav: ['wav'],
  flac: ['flac'],
  docx: ['docx', 'zip'],
  xlsx: ['xlsx', 'zip'],
  pptx: ['pptx', 'zip'],
};

export interface SniffedType {
  /** The media type the bytes show; `text/plain; charset=utf-8` or `application/octet-stream` when no signature matches. */
  type: string;
  /** Rendered inline by the server (and measured and thumbnailed): raster images only. */
  inline: boolean;
}

/**
 * The type of an upload from its first bytes (`head`, up to `SNIFF_BYTES`); the client's
 * `Content-Type` and the name's extension never decide it. A name whose extension promises a
 * type the bytes do not have is `BAD_REQUEST`.
 */
export async function sniffType(head: Uint8Array, name: string): Promise<SniffedType> {
  // Loaded on the first upload, not when the package is imported (start-up time).
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(head);
  const ext = extensionOf(name);
  const promised = SELF_DESCRIBING[ext];
  if (promised && !(found && promised.includes(found.ext))) {
    throw new ChatError(
      'BAD_REQUEST',
      `the file is named .${ext} but its bytes are ${found ? `.${found.ext}` : 'not'} of that type`,
    );
  }
  if (found) return { type: found.mime, inline: INLINE_IMAGE_TYPES.has(found.mime) };
  return {
    type: looksLikeText(head) ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    inline: false,
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 without NUL bytes; a character cut at the end of `head` is allowed. */
function looksLikeText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  for (let cut = 0; cut < 4 && cut <= head.length; cut++) {
    try {
      UTF8.decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // A multi-byte character may have been cut by the head's end: try without its bytes.
    }
  }
  return false;
}
