import { ChatError, MAX_ATTACHMENT_NAME_CODE_POINTS } from '@chat/contracts';

/** Characters that name a folder or a device on some system: a name holding one is refused. */
const PATH_PARTS = /[/\\\0]|^\.{1,2}$|^[a-z]:/i;
/**
 * Control characters, bidirectional overrides and other invisible code points: they can make
 * `evil‮gpj.exe` read as `evilexe.jpg`, or hide in a name.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/gu;
/** Reserved on Windows or special to shells: replaced, so a saved copy opens as named. */
const RESERVED = /[<>:"|?*]/g;

/**
 * The file name kept for an upload: NFC, unsafe characters removed, reserved ones replaced by
 * `_`, white space collapsed, leading dots and surrounding spaces trimmed, at most
 * `MAX_ATTACHMENT_NAME_CODE_POINTS` long (the extension kept). A name that holds a path
 * (`/`, `\`, `..`, a drive letter) is refused with `BAD_REQUEST`: the client sends a base name.
 */
export function sanitizeFileName(raw: string): string {
  const name = raw.normalize('NFC');
  if (PATH_PARTS.test(name) || name.split(/[/\\]/).includes('..')) {
    throw new ChatError('BAD_REQUEST', 'the file name must not contain a path');
  }
  const clean = name
    .replace(/\s+/gu, ' ')
    .replace(UNSAFE, '')
    .replace(RESERVED, '_')
    .replace(/^[\s.]+/u, '')
    .trim();
  if (clean.length === 0) throw new ChatError('BAD_REQUEST', 'the file name is empty');
  return truncate(clean, MAX_ATTACHMENT_NAME_CODE_POINTS);
}

/** The lower-cased extension of a name, without the dot, or '' when it has none. */
export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

function truncate(name: string, max: number): string {
  const points = [...name];
  if (points.length <= max) return name;
  const ext = extensionOf(name);
  const tail = ext && ext.length < 16 ? `.${[...name].slice(-ext.length).join('')}` : '';
  return points.slice(0, max - [...tail].length).join('') + tail;
}
