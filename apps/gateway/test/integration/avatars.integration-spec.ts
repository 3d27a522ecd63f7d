import { AVATAR_MAX_BYTES, AVATAR_SIZE, type User, type UserAvatar } from '@chat/contracts';
import { ChatClient, uploadAvatar } from '@chat/test-support';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectRefusedKeepingNothing,
  startEmbedded,
  startScaled,
  type AttachmentDeployment,
  type RefusedUpload,
} from '../support/attachment-deployments.js';

const png = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

describe.each([
  ['embedded', startEmbedded],
  ['scaled (Redis, dynalite, s3rver, two replicas)', startScaled],
])('avatars, %s', (_mode, start) => {
  let deployment: AttachmentDeployment;
  let alice: ChatClient;
  let bob: ChatClient;
  let mallory: ChatClient;
  let a: string;
  let b: string;

  beforeAll(async () => {
    deployment = await start();
    [a, b] = deployment.urls;
    alice = await ChatClient.connect(a, 'alice');
    bob = await ChatClient.connect(b, 'bob');
    mallory = await ChatClient.connect(b, 'mallory');
    await alice.ok('create_room', { name: 'pair', participants: ['bob'] });
  }, 180_000);

  afterAll(async () => {
    for (const client of [alice, bob, mallory]) client?.close();
    await deployment?.stop();
  });

  const setAvatar = async (bytes: Uint8Array): Promise<UserAvatar> => {
    const res = await uploadAvatar(a, { bytes, token: alice.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { user } = res.body as { user: User };
    expect(user.avatar).toBeDefined();
    return user.avatar as UserAvatar;
  };
  const removeAvatar = (client: ChatClient, base = a) =>
    fetch(`${base}/chat/profile/avatar`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
  const aliceAs = async (viewer: ChatClient) =>
    (await viewer.ok('get_users', { ids: ['alice'] })).users[0];
  const download = (url: string, base = b) => fetch(`${base}${url}`);
  const keyOf = async (res: Response) =>
    createHash('sha256')
      .update(Buffer.from(await res.arrayBuffer()))
      .digest('hex');

  it('keeps a small square of the picture that a roommate sees live and loads on the other entry', async () => {
    const avatar = await setAvatar(await png(800, 600, '#3366cc'));
    const told = await bob.waitFor('user_updated', (e) => e.avatar?.id === avatar.id, 15_000);
    // The profile as it now is: no display name was chosen, so none is named.
    expect(Object.keys(told).sort()).toEqual(['avatar', 'userId']);
    expect(told.userId).toBe('alice');

    const res = await download(told.avatar?.url ?? '');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain('sandbox');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', AVATAR_SIZE, AVATAR_SIZE]);

    // The directory (socket and REST) and alice's own register answer name it too.
    expect((await aliceAs(bob))?.avatar?.id).toBe(avatar.id);
    const rest = await fetch(`${b}/chat/users?query=alice`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    const { users } = (await rest.json()) as { users: User[] };
    expect(users.find((u) => u.id === 'alice')?.avatar?.id).toBe(avatar.id);
    expect((await alice.ok('register', {})).user.avatar?.id).toBe(avatar.id);
  });

  it('gives a stranger neither the avatar nor a way to load it', async () => {
    const avatar = (await aliceAs(bob))?.avatar;
    expect(avatar).toBeDefined();
    const url = new URL(avatar?.url ?? '', a);
    const exp = Number(url.searchParams.get('exp'));
    expect((await aliceAs(mallory))?.avatar).toBeUndefined();
    expect(mallory.events('user_updated')).toEqual([]);

    const sign = (payload: string) =>
      createHmac('sha256', deployment.linkKey).update(payload).digest('base64url');
    const link = (at: number, sig: string) => `/chat/avatars/${avatar?.id}?exp=${at}&sig=${sig}`;
    const past = Math.floor(Date.now() / 1000) - 60;
    const cases: [string, string, number][] = [
      ['the roommate’s link', avatar?.url ?? '', 200],
      ['no signature', `/chat/avatars/${avatar?.id}?exp=${exp}`, 400],
      ['not a signature', link(exp, 'x'), 400],
      ['forged signature', link(exp, sign(`${avatar?.id}\navatar\n${exp}x`)), 403],
      ['expiry moved later', link(exp + 3600, url.searchParams.get('sig') ?? ''), 403],
      ['expired, correctly signed', link(past, sign(`${avatar?.id}\navatar\n${past}`)), 403],
      ['an attachment link’s signature', link(exp, sign(`${avatar?.id}\ncontent\n${exp}`)), 403],
    ];
    for (const [label, href, status] of cases) {
      expect({ label, status: (await download(href)).status }).toEqual({ label, status });
    }
  });

  it('removes the replaced picture when a new one is set', async () => {
    const old = (await aliceAs(bob))?.avatar as UserAvatar;
    const oldKey = await keyOf(await download(old.url));
    expect(await deployment.blobs()).toContain(oldKey);

    const next = await setAvatar(await png(300, 900, '#22aa55'));
    expect(next.id).not.toBe(old.id);
    await bob.waitFor('user_updated', (e) => e.avatar?.id === next.id, 15_000);
    const nextKey = await keyOf(await download(next.url));
    const blobs = await deployment.blobs();
    expect(blobs).toContain(nextKey);
    expect(blobs).not.toContain(oldKey);
    expect((await download(old.url)).status).toBe(404);
  });

  it('removes the picture on DELETE, told live, so initials show again', async () => {
    const current = (await aliceAs(bob))?.avatar as UserAvatar;
    const key = await keyOf(await download(current.url));
    const before = bob.events('user_updated').length;

    const res = await removeAvatar(alice);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: User }).user).toEqual({ id: 'alice', name: 'alice' });
    await bob.waitFor('user_updated', (e) => e.userId === 'alice' && !e.avatar, 15_000);
    expect(bob.events('user_updated').length).toBeGreaterThan(before);
    expect((await aliceAs(bob))?.avatar).toBeUndefined();
    expect(await deployment.blobs()).not.toContain(key);
    expect((await download(current.url)).status).toBe(404);
    // Removing it again changes nothing and is no error.
    expect((await removeAvatar(alice, b)).status).toBe(200);
  });

  it('answers every bad avatar upload with its code and keeps nothing', async () => {
    const kept = await setAvatar(await png(64, 64, '#aa3322'));
    const image = await png(64, 64, '#000000');
    const put = (bytes: Uint8Array, token?: string, headers = {}) =>
      uploadAvatar(a, { bytes, ...(token !== undefined && { token }), headers });
    const text = Buffer.from('just some words, not a picture');
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"/>',
    );
    const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000)]);
    // A PNG signature over bytes that are not a PNG: sniffed as one, refused by the decoder.
    const brokenPng = Buffer.concat([
      (await png(8, 8, '#000000')).subarray(0, 40),
      randomBytes(200),
    ]);
    const cases: RefusedUpload[] = [
      ['text', () => put(text, alice.token), 400, 'BAD_REQUEST'],
      ['SVG', () => put(svg, alice.token), 400, 'BAD_REQUEST'],
      ['HTML', () => put(html, alice.token), 400, 'BAD_REQUEST'],
      ['PDF', () => put(pdf, alice.token), 400, 'BAD_REQUEST'],
      ['a broken PNG', () => put(brokenPng, alice.token), 400, 'BAD_REQUEST'],
      ['empty', () => put(Buffer.alloc(0), alice.token), 400, 'BAD_REQUEST'],
      [
        'too large',
        () => put(randomBytes(AVATAR_MAX_BYTES + 1), alice.token),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      ['no token', () => put(image), 401, 'UNAUTHORIZED'],
      ['a forged token', () => put(image, `${alice.token}x`), 401, 'UNAUTHORIZED'],
      [
        'JSON instead of bytes',
        () => put(Buffer.from('{}'), alice.token, { 'content-type': 'application/json' }),
        415,
        'BAD_REQUEST',
      ],
    ];
    await expectRefusedKeepingNothing(deployment, cases);
    expect((await aliceAs(bob))?.avatar?.id).toBe(kept.id);
  });
});
