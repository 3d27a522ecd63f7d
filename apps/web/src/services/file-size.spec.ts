import { describe, expect, it } from 'vitest';
import { fitInto, formatBytes } from './file-size';

describe(formatBytes.name, () => {
  it('names bytes, kilobytes and megabytes in the locale', () => {
    expect(formatBytes(512, 'en')).toBe('512 bytes');
    expect(formatBytes(1536, 'en')).toBe('1.5 kB');
    expect(formatBytes(10 * 1024 * 1024, 'en')).toBe('10 MB');
  });
});

describe(fitInto.name, () => {
  const max = { width: 320, height: 240 };

  it('keeps a small image at its own size', () => {
    expect(fitInto({ width: 100, height: 50 }, max)).toEqual({ width: 100, height: 50 });
  });

  it('shrinks a large image into the box, keeping its shape', () => {
    expect(fitInto({ width: 1600, height: 800 }, max)).toEqual({ width: 320, height: 160 });
    expect(fitInto({ width: 600, height: 1200 }, max)).toEqual({ width: 120, height: 240 });
  });

  it('reserves a box for an image whose size is not known', () => {
    expect(fitInto({}, max)).toEqual({ width: 240, height: 180 });
  });
});
