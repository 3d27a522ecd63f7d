import type { Attachment } from '@chat/contracts';
import { abandonUpload, ChatClient, pollUntil, upload } from '@chat/test-support';
import { createHmac, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_BYTES,
  expectRefusedKeepingNothing,
  startEmbedded,
  startScaled,
  type AttachmentDeployment,
  type RefusedUpload,
} from '../support/attachment-deployments.js';

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#cc3366' } })
    .png()
    .toBuffer();
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5000), Buffer.from('\n%%EOF\n')]);

describe.each([
  ['embedded', startEmbedded],
  ['scaled (Redis, dynalite, s3rver, two replicas)', startScaled],
])('attachments, %s', (_mode, start) => {
  let deployment: AttachmentDeployment;
  let alice: ChatClient;
  let bob: ChatClient;
  let mallory: ChatClient;
  let roomId: string;
  let a: string;
  let b: string;

  beforeAll(async () => {
    deployment = await start();
    [a, b] = deployment.urls;
    alice = await ChatClient.connect(a, 'alice');
    bob = await ChatClient.connect(b, 'bob');
    mallory = await ChatClient.connect(b, 'mallory');
    ({
      room: { roomId },
    } = await alice.ok('create_room', { name: 'files', participants: ['bob'] }));
  }, 180_000);

  afterAll(async () => {
    for (const client of [alice, bob, mallory]) client?.close();
    await deployment?.stop();
  });

  const uploadAs = async (client: ChatClient, name: string, bytes: Uint8Array, room = roomId) =>
    upload(a, { roomId: room, name, bytes, token: client.token });
  const uploaded = async (name: string, bytes: Uint8Array, room = roomId) => {
    const res = await uploadAs(alice, name, bytes, room);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body['attachment'] as Attachment;
  };
  const download = (url: string, base = b) => fetch(`${base}${url}`);
  const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

  it('stores an image, measures it, and serves it and its thumbnail inline on the other entry', async () => {
    const image = await png(800, 600);
    const attachment = await uploaded('사진.png', image);
    expect(attachment).toMatchObject({
      roomId,
      uploaderId: 'alice',
      name: '사진.png',
      type: 'image/png',
      size: image.length,
      width: 800,
      height: 600,
      inline: true,
    });
    const full = await download(attachment.url);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/png');
    expect(full.headers.get('content-disposition')).toMatch(/^inline;/);
    expect((await bytesOf(full)).equals(image)).toBe(true);
    const thumbnail = await download(attachment.thumbnailUrl ?? '');
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(await bytesOf(thumbnail)).metadata();
    expect([meta.width, meta.height]).toEqual([320, 240]);
  });

  it('serves a PDF only as a download that the browser must not sniff', async () => {
    const attachment = await uploaded('report.pdf', PDF);
    expect(attachment).toMatchObject({ type: 'application/pdf', inline: false });
    expect(attachment.thumbnailUrl).toBeUndefined();
    const res = await download(attachment.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    expect((await bytesOf(res)).equals(PDF)).toBe(true);
  });

  it('serves HTML and SVG as text to download, never as a page', async () => {
    for (const [name, text] of [
      ['page.html', '<!doctype html><script>alert(1)</script>'],
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ] as const) {
      const attachment = await uploaded(name, Buffer.from(text));
      const res = await download(attachment.url);
      expect(res.headers.get('content-type')).not.toMatch(/html|svg/);
      expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('gives members fresh links and refuses everyone else', async () => {
    const attachment = await uploaded('notes.txt', Buffer.from('notes'));
    const ask = (client: ChatClient) =>
      fetch(`${b}/chat/attachments/${attachment.id}`, {
        headers: { authorization: `Bearer ${client.token}` },
      });
    const fresh = await ask(bob);
    expect(fresh.status).toBe(200);
    const { attachment: again } = (await fresh.json()) as { attachment: Attachment };
    expect((await download(again.url)).status).toBe(200);
    expect((await ask(mallory)).status).toBe(403);
  });

  it('tells each client its upload limit when it registers, on every entry', async () => {
    for (const client of [alice, bob]) {
      const { limits } = await client.ok('register', {});
      expect(limits).toEqual({ attachmentMaxBytes: MAX_BYTES });
    }
  });

  it('answers every bad upload with its code and keeps nothing', async () => {
    const { roomId: malloryRoom } = (await mallory.ok('create_room', { participants: [] })).room;
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const cases: RefusedUpload[] = [
      [
        'oversized body',
        () => uploadAs(alice, 'big.bin', randomBytes(MAX_BYTES + 1)),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        "someone else's room",
        () => uploadAs(alice, 'a.txt', Buffer.from('hi'), malloryRoom),
        403,
        'FORBIDDEN',
      ],
      [
        'no token',
        () => upload(a, { roomId, name: 'a.txt', bytes: Buffer.from('hi') }),
        401,
        'UNAUTHORIZED',
      ],
      ['HTML renamed .png', () => uploadAs(alice, 'cat.png', html), 400, 'BAD_REQUEST'],
      [
        'path-traversal name',
        () => uploadAs(alice, '../../etc/passwd', Buffer.from('x')),
        400,
        'BAD_REQUEST',
      ],
      [
        'JSON instead of bytes',
        () =>
          upload(a, {
            roomId,
            name: 'a.txt',
            bytes: Buffer.from('{}'),
            token: alice.token,
            headers: { 'content-type': 'application/json' },
          }),
        415,
        'BAD_REQUEST',
      ],
    ];
    await expectRefusedKeepingNothing(deployment, cases);
  });

  it('refuses forged, altered and expired download links', async () => {
    const attachment = await uploaded('secret.txt', Buffer.from('secret'));
    const url = new URL(attachment.url, a);
    const exp = Number(url.searchParams.get('exp'));
    const sign = (id: string, variant: string, at: number) =>
      createHmac('sha256', deployment.linkKey)
        .update(`${id}\n${variant}\n${at}`)
        .digest('base64url');
    const link = (variant: string, at: number, sig: string) =>
      `/chat/attachments/${attachment.id}/${variant}?exp=${at}&sig=${sig}`;
    const past = Math.floor(Date.now() / 1000) - 60;
    const cases: [string, string, number][] = [
      ['valid', attachment.url, 200],
      [
        'forged signature',
        link(
          'content',
          exp,
          sign(attachment.id, 'content', exp).replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        ),
        403,
      ],
      ['expiry moved later', link('content', exp + 3600, url.searchParams.get('sig') ?? ''), 403],
      [
        'expired, correctly signed',
        link('content', past, sign(attachment.id, 'content', past)),
        403,
      ],
      [
        'signed for another variant',
        link('thumbnail', exp, sign(attachment.id, 'content', exp)),
        403,
      ],
      ['not a signature', link('content', exp, 'x'), 400],
      ['no signature', `/chat/attachments/${attachment.id}/content?exp=${exp}`, 400],
    ];
    for (const [label, href, status] of cases) {
      expect({ label, status: (await download(href)).status }).toEqual({ label, status });
    }
  });

  it('leaves nothing behind when the client disconnects mid-upload', async () => {
    const before = (await deployment.blobs()).sort();
    await abandonUpload(
      a,
      {
        roomId,
        name: 'half.bin',
        token: alice.token,
        declared: MAX_BYTES,
        sent: randomBytes(MAX_BYTES / 2),
      },
      async () => {
        // In embedded mode the store's temporary file shows the upload under way.
        if (_mode === 'embedded')
          await pollUntil(
            () => Promise.resolve(deployment.staging()),
            (f) => f.length > 0,
          );
      },
    );
    await pollUntil(
      () => Promise.resolve(deployment.staging()),
      (files) => files.length === 0,
      { timeoutMs: 30_000 },
    );
    // The connection keeps working for everyone: the next upload goes through.
    await uploaded('after.txt', Buffer.from('after'));
    expect((await deployment.blobs()).filter((k) => !before.includes(k))).toHaveLength(1);
  });

  it('sends uploads with a message that the other member receives on the other entry and in history', async () => {
    const photo = await uploaded('photo.png', await png(40, 30));
    const report = await uploaded('report.pdf', PDF);
    const clientMsgId = `att-${Date.now()}`;
    const payload = { roomId, content: '', attachments: [photo.id, report.id], clientMsgId };
    const ack = await alice.ok('send_message', payload);
    const live = await bob.waitFor('receive_message', (m) => m.id === ack.id, 15_000);
    expect(live.attachments).toEqual([
      {
        id: photo.id,
        name: 'photo.png',
        type: 'image/png',
        size: photo.size,
        width: 40,
        height: 30,
        thumbnail: true,
      },
      { id: report.id, name: 'report.pdf', type: 'application/pdf', size: PDF.length },
    ]);
    // A retry of the same send answers the first ack and sends nothing new.
    expect(await alice.ok('send_message', payload)).toEqual(ack);
    const { messages } = await bob.ok('get_messages', { roomId, after: ack.seq - 1, limit: 5 });
    expect(messages.filter((m) => m.attachments !== undefined).map((m) => m.id)).toEqual([ack.id]);
    expect(messages.find((m) => m.id === ack.id)?.attachments).toEqual(live.attachments);
    // Search finds the message by a file name, once the sink has indexed it.
    const page = await pollUntil(
      () => bob.ok('search', { query: 'report pdf', roomId }),
      (found) => found.hits.length > 0,
      { timeoutMs: 15_000, what: 'the message indexed by its file names' },
    );
    expect(page.hits.map((h) => h.message.id)).toEqual([ack.id]);
    expect(page.hits[0]?.message.attachments).toEqual(live.attachments);
    expect(page.hits[0]?.highlights.join(' ')).toContain('<mark>report</mark>.<mark>pdf</mark>');
  });

  it('refuses attachments that are not the sender’s own unsent uploads to the room', async () => {
    const { roomId: other } = (await alice.ok('create_room', { participants: ['bob'] })).room;
    const elsewhere = await uploaded('elsewhere.txt', Buffer.from('elsewhere'), other);
    const bobs = (
      await upload(a, { roomId, name: 'bob.txt', bytes: Buffer.from('bob'), token: bob.token })
    ).body['attachment'] as Attachment;
    const sent = await uploaded('sent.txt', Buffer.from('sent'));
    await alice.ok('send_message', { roomId, content: 'first', attachments: [sent.id] });
    const cases: [string, string[]][] = [
      ['another room’s upload', [elsewhere.id]],
      ['another user’s upload', [bobs.id]],
      ['an upload another message carries', [sent.id]],
      ['an unknown id', ['no-such-attachment']],
      ['eleven attachments', Array.from({ length: 11 }, () => sent.id)],
    ];
    for (const [label, attachments] of cases) {
      const res = await alice.request('send_message', { roomId, content: 'x', attachments });
      expect({ label, code: res.ok ? 'OK' : res.error.code }).toEqual({
        label,
        code: 'BAD_REQUEST',
      });
    }
  });

  it('deletes a message’s attachments with the message', async () => {
    const file = await uploaded('gone.txt', Buffer.from(`gone ${Date.now()}`));
    const ack = await alice.ok('send_message', {
      roomId,
      content: 'soon gone',
      attachments: [file.id],
    });
    await alice.ok('delete_message', { roomId, seq: ack.seq });
    expect((await download(file.url)).status).toBe(404);
    const { messages } = await bob.ok('get_messages', { roomId, after: ack.seq - 1, limit: 1 });
    expect(messages[0]).toMatchObject({ deleted: true });
    expect(messages[0]?.attachments).toBeUndefined();
  });

  it('deletes a room with its attachments, bytes included', async () => {
    const { roomId: doomed } = (await alice.ok('create_room', { participants: ['bob'] })).room;
    const image = await uploaded('gone.png', await png(64, 48), doomed);
    const blobsBefore = await deployment.blobs();
    expect(blobsBefore.length).toBeGreaterThan(0);
    await alice.ok('delete_room', { roomId: doomed });
    expect((await download(image.url)).status).toBe(404);
    const remaining = await deployment.blobs();
    expect(remaining.length).toBe(blobsBefore.length - 2);
  });
});

describe.each([
  ['embedded', startEmbedded],
  ['scaled (Redis, dynalite, s3rver, two replicas)', startScaled],
])('attachment limits and orphans, %s', (_mode, start) => {
  let deployment: AttachmentDeployment;
  let alice: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    deployment = await start({
      RATE_LIMIT_UPLOAD_BYTES_PER_MIN: String(300_000),
      // Uploads no message uses are collected about two seconds after they were made.
      ATTACHMENT_ORPHAN_TTL_HOURS: '0.0005',
      ATTACHMENT_SWEEP_INTERVAL_SECONDS: '1',
    });
    alice = await ChatClient.connect(deployment.urls[0], 'alice');
    ({
      room: { roomId },
    } = await alice.ok('create_room', { participants: [] }));
  }, 180_000);

  afterAll(async () => {
    alice?.close();
    await deployment?.stop();
  });

  it('limits the bytes a user uploads per minute', async () => {
    const send = () =>
      upload(deployment.urls[1], {
        roomId,
        name: 'chunk.bin',
        bytes: randomBytes(200_000),
        token: alice.token,
      });
    expect((await send()).status).toBe(201);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body['code']).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('removes uploads no message used, bytes included, once they are past their time', async () => {
    // Someone whose upload budget the test above did not spend.
    const carol = await ChatClient.connect(deployment.urls[0], 'carol');
    const { room } = await carol.ok('create_room', { participants: [] });
    const res = await upload(deployment.urls[0], {
      roomId: room.roomId,
      name: 'orphan.txt',
      bytes: Buffer.from('no message will carry this'),
      token: carol.token,
    });
    expect(res.status).toBe(201);
    const { id } = res.body['attachment'] as Attachment;
    const status = () =>
      fetch(`${deployment.urls[1]}/chat/attachments/${id}`, {
        headers: { authorization: `Bearer ${carol.token}` },
      }).then((r) => r.status);
    await pollUntil(status, (code) => code === 404, { timeoutMs: 60_000 });
    carol.close();
    expect(
      await pollUntil(
        () => deployment.blobs(),
        (keys) => keys.length === 0,
        { timeoutMs: 60_000 },
      ),
    ).toEqual([]);
  });
});
