import { ChatError } from '@chat/contracts';
import { describe, expect, it } from 'vitest';
import { extensionOf, sanitizeFileName } from './file-name.js';

describe(sanitizeFileName.name, () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['  사진 2024.PNG ', '사진 2024.PNG'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['a<b>c:"d|e?f*.txt', 'a_b_c__d_e_f_.txt'],
    ['line\nbreak\t.txt', 'line break .txt'],
    ['.bashrc', 'bashrc'],
    ['zero\u200Bwidth.png', 'zerowidth.png'],
  ])('keeps %j as %j', (raw, kept) => {
    expect(sanitizeFileName(raw)).toBe(kept);
  });

  it.each(['../../etc/passwd', '..\\..\\boot.ini', 'dir/file.png', '..', 'C:secret.txt', '\u202E'])(
    'refuses %j',
    (raw) => {
      expect(() => sanitizeFileName(raw)).toThrow(ChatError);
    },
  );

  it('shortens a long name and keeps its extension', () => {
    const kept = sanitizeFileName(`${'가'.repeat(300)}.jpeg`);
    expect([...kept]).toHaveLength(200);
    expect(kept.endsWith('가.jpeg')).toBe(true);
  });
});

describe(extensionOf.name, () => {
  it('reads the last extension, lower-cased', () => {
    expect(extensionOf('a.tar.GZ')).toBe('gz');
    expect(extensionOf('README')).toBe('');
  });
});
