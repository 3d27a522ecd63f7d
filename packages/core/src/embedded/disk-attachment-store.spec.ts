import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunked, describeAttachmentStoreConformance } from '../conformance/index.js';
import { DiskAttachmentStore } from './disk-attachment-store.js';

const tempRoot = () => mkdtempSync(path.join(tmpdir(), 'chat-attachments-'));

describeAttachmentStoreConformance(DiskAttachmentStore.name, () => {
  const root = tempRoot();
  return Promise.resolve({
    sut: new DiskAttachmentStore(root),
    cleanup: () => Promise.resolve(rmSync(root, { recursive: true, force: true })),
  });
});

describe(DiskAttachmentStore.name, () => {
  it('leaves no temporary file after a failed put', async () => {
    const root = tempRoot();
    try {
      const sut = new DiskAttachmentStore(root);
      async function* failing() {
        yield* chunked(new Uint8Array(300_000));
        throw new Error('gone');
      }
      await expect(sut.put(failing())).rejects.toThrow('gone');
      expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
      expect(readdirSync(root)).toEqual(['tmp']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
