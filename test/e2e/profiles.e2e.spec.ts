import { readdirSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import type { Response } from 'supertest';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { binaryBody } from '../support/binary-body';
import { expectHfError } from '../support/hf-error';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { AvatarSweepJob } from '../../src/stats/avatars/avatar-sweep.job';
import { ADMIN_TOKEN, startTestApp, TestApp } from '../support/test-app';

const MB = 1024 * 1024;

/** A solid image of `w` × `h`, with an optional differently coloured square in its middle. */
async function image(format: 'png' | 'jpeg' | 'webp', w: number, h: number, background: string, middle?: { side: number; colour: string }): Promise<Buffer> {
  let img = sharp({ create: { width: w, height: h, channels: 3, background } });
  if (middle) {
    const square = await sharp({ create: { width: middle.side, height: middle.side, channels: 3, background: middle.colour } }).png().toBuffer();
    img = img.composite([{ input: square, left: Math.floor((w - middle.side) / 2), top: Math.floor((h - middle.side) / 2) }]);
  }
  return img.toFormat(format).toBuffer();
}

/** A two-frame animated GIF: green, then red. */
async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(['#00ff00', '#ff0000'].map((c) => sharp({ create: { width: 64, height: 64, channels: 3, background: c } }).png().toBuffer()));
  const gif = await sharp(frames, { join: { animated: true } }).gif({ delay: [100, 100] }).toBuffer();
  expect((await sharp(gif).metadata()).pages).toBe(2);
  return gif;
}

/** A valid small PNG whose header claims `side` × `side` pixels (CRC fixed, so only the size is wrong). */
async function pngClaiming(side: number): Promise<Buffer> {
  const png = Buffer.from(await image('png', 8, 8, '#123456'));
  png.writeUInt32BE(side, 16);
  png.writeUInt32BE(side, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** The pixel at the centre of a decoded image, and its size. */
async function decode(jpeg: Buffer): Promise<{ format?: string; width?: number; height?: number; centre: number[] }> {
  const meta = await sharp(jpeg).metadata();
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return { format: meta.format, width: meta.width, height: meta.height, centre: [data[at], data[at + 1], data[at + 2]] };
}

describe('profiles: avatars, settings, follows', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const as = (u: TestUser) => ({ Authorization: `Bearer ${u.token}` });
  const upload = (who: TestUser | null, url: string, body: Buffer, filename = 'avatar.png') => {
    const req = t.http().post(url);
    if (who) req.set(as(who));
    return req.attach('file', body, filename);
  };
  const getAvatar = (url: string, headers: Record<string, string> = {}) => t.http().get(url).set(headers).buffer(true).parse(binaryBody);
  /** The fs store's folder of a namespace's uploaded avatars. */
  const avatarDir = (namespaceId: number) => path.join(t.config.storage.driver === 'fs' ? t.config.storage.root : '', 'avatars', String(namespaceId));
  const storedAvatars = async (name: string): Promise<string[]> => {
    const { rows } = await t.db.query(`SELECT id FROM namespaces WHERE lower(name) = lower($1)`, [name]);
    return readdirSafe(avatarDir(rows[0].id));
  };
  const createOrg = async (owner: TestUser, members: { user: TestUser; role: string }[] = []) => {
    const org = uniqueName('org');
    await t.http().post('/org/create').set(as(owner)).send({ name: org }).expect(200);
    for (const m of members) await t.http().post(`/org/${org}/members`).set(as(owner)).send({ username: m.user.username, role: m.role }).expect(200);
    return org;
  };

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('avatars', () => {
    it('sweeps, after the grace period, the images no namespace shows (a crash mid-upload, a deleted user) and keeps the shown ones', async () => {
      const carol = await createUserWithToken(t);
      await upload(carol, `/api/users/${carol.username}/avatar`, await image('png', 96, 96, '#3366ff')).expect(200);
      const [shown] = await storedAvatars(carol.username);
      const { rows } = await t.db.query(`SELECT id FROM namespaces WHERE lower(name) = lower($1)`, [carol.username]);
      const store = t.app.get<ObjectStore>(OBJECT_STORE);
      // What a crash between storing an upload and naming it leaves, and a deleted namespace's image.
      const stray = `avatars/${rows[0].id}/${'ab'.repeat(32)}.jpg`;
      const orphan = `avatars/987654321/${'cd'.repeat(32)}.jpg`;
      for (const key of [stray, orphan]) await store.put(key, Buffer.from('jpeg bytes'));
      const sweep = t.app.get(AvatarSweepJob);
      // Within the grace period nothing goes: an upload may be about to name it.
      expect(await sweep.run(new Date())).toEqual({ avatars: 0 });
      const later = new Date(Date.now() + 2 * t.config.maintenance.sweepGraceSeconds * 1000);
      expect(await sweep.run(later)).toEqual({ avatars: 2 });
      expect(await storedAvatars(carol.username)).toEqual([shown]);
      expect(await store.head(orphan)).toBeNull();
      expect((await getAvatar(`/api/users/${carol.username}/avatar`).expect(200)).headers['content-type']).toBe('image/jpeg');
    });

    it('serves the generated avatar until one is uploaded, then the centre square as a JPEG with an ETag and 304s', async () => {
      const url = `/api/users/${alice.username}/avatar`;
      const before = await getAvatar(url).expect(200);
      expect(before.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(before.headers.etag).toBeTruthy();

      // 300 × 100, red with a blue middle square: the stored 100 × 100 crop is blue.
      const up = await upload(alice, url, await image('png', 300, 100, '#ff0000', { side: 100, colour: '#0000ff' })).expect(200);
      expect(up.body).toEqual({ success: true, message: 'Avatar uploaded successfully', size_bytes: expect.any(Number) });

      const got = await getAvatar(url).expect(200);
      expect(got.headers['content-type']).toBe('image/jpeg');
      expect(got.headers['cache-control']).toBe('public, no-cache');
      expect(Number(got.headers['content-length'])).toBe(up.body.size_bytes);
      expect(got.headers.etag).not.toBe(before.headers.etag);
      const img = await decode(got.body);
      expect(img).toMatchObject({ format: 'jpeg', width: 100, height: 100 });
      expect(img.centre[2]).toBeGreaterThan(200);
      expect(img.centre[0]).toBeLessThan(60);

      const again = await getAvatar(url, { 'If-None-Match': got.headers.etag }).expect(304);
      expect(again.headers.etag).toBe(got.headers.etag);
      // The name in any case addresses the same account.
      expect((await getAvatar(`/api/users/${alice.username.toUpperCase()}/avatar`).expect(200)).headers.etag).toBe(got.headers.etag);

      const me = await t.http().get('/api/whoami-v2').set(as(alice)).expect(200);
      expect(me.body.avatarUrl).toBe(`${t.baseUrl}${url}`);
      const overview = await t.http().get(`/api/users/${alice.username}/overview`).expect(200);
      expect(overview.body.avatarUrl).toBe(`${t.baseUrl}${url}`);
    });

    it('scales a large JPEG down to 1024 px, takes the first frame of an animated GIF, and keeps one stored object', async () => {
      const user = await createUserWithToken(t);
      const url = `/api/users/${user.username}/avatar`;
      await upload(user, url, await image('jpeg', 2000, 1500, '#808080'), 'photo.jpg').expect(200);
      expect(await decode((await getAvatar(url).expect(200)).body)).toMatchObject({ format: 'jpeg', width: 1024, height: 1024 });
      const first = await storedAvatars(user.username);
      expect(first).toHaveLength(1);

      await upload(user, url, await animatedGif(), 'anim.gif').expect(200);
      const gif = await decode((await getAvatar(url).expect(200)).body);
      expect(gif).toMatchObject({ format: 'jpeg', width: 64, height: 64 });
      expect(gif.centre[1]).toBeGreaterThan(200); // green: the first frame
      expect(gif.centre[0]).toBeLessThan(60);
      const second = await storedAvatars(user.username);
      expect(second).toHaveLength(1);
      expect(second).not.toEqual(first);

      await upload(user, url, await image('webp', 50, 80, '#ffffff'), 'a.webp').expect(200);
      expect(await decode((await getAvatar(url).expect(200)).body)).toMatchObject({ width: 50, height: 50 });
    });

    it('refuses corrupt files, text named .png, SVG and decompression bombs with 400 InvalidImage, keeping the avatar', async () => {
      const url = `/api/users/${bob.username}/avatar`;
      await upload(bob, url, await image('png', 40, 40, '#00ffff')).expect(200);
      const kept = (await getAvatar(url).expect(200)).headers.etag;
      const png = await image('png', 200, 200, '#ff00ff');
      const cases: [string, Buffer, string][] = [
        ['truncated PNG', png.subarray(0, Math.floor(png.length / 2)), 'half.png'],
        ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)), 'noise.jpg'],
        ['text named .png', Buffer.from('this is not an image\n'), 'notes.png'],
        ['SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), 'a.svg'],
        ['PNG claiming 100000 × 100000 pixels', await pngClaiming(100_000), 'bomb.png'],
      ];
      for (const [what, body, name] of cases) {
        const res = await upload(bob, url, body, name);
        expectHfError(res, 400, 'InvalidImage');
        if (what.startsWith('PNG claiming')) expect(res.body.error).toMatch(/pixels/);
      }
      expect((await getAvatar(url).expect(200)).headers.etag).toBe(kept);
    });

    it('refuses more than 10 MB with 413, whether declared or streamed without a length', async () => {
      const url = `/api/users/${bob.username}/avatar`;
      const kept = (await getAvatar(url).expect(200)).headers.etag;
      expectHfError(await upload(bob, url, Buffer.alloc(10 * MB + 200 * 1024, 1), 'big.png'), 413, 'PayloadTooLarge');

      // Chunked: no Content-Length to judge by; multer stops reading at the limit.
      const boundary = 'hangar-test-boundary';
      const status = await new Promise<{ status: number; code: string | undefined }>((resolve, reject) => {
        const req = http.request(`${t.baseUrl}${url}`, { method: 'POST', headers: { ...as(bob), 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, code: res.headers['x-error-code'] as string | undefined });
        });
        req.on('error', reject);
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
        const chunk = Buffer.alloc(MB, 2);
        let sent = 0;
        const pump = () => {
          while (sent < 12) {
            sent++;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      });
      expect(status).toEqual({ status: 413, code: 'PayloadTooLarge' });
      expect((await getAvatar(url).expect(200)).headers.etag).toBe(kept);
    });

    it('lets only the user change their avatar and an organization\'s admins its avatar; deleting brings the generated one back', async () => {
      const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
      const png = await image('png', 32, 32, '#ffff00');
      expectHfError(await upload(null, `/api/users/${alice.username}/avatar`, png), 401, 'Unauthorized');
      expectHfError(await upload(bob, `/api/users/${alice.username}/avatar`, png), 403, 'NotProfileOwner');
      expectHfError(await upload(reader, `/api/users/${reader.username}/avatar`, png), 403, 'ReadOnlyToken');
      expectHfError(await t.http().delete(`/api/users/${alice.username}/avatar`).set(as(bob)), 403, 'NotProfileOwner');
      expectHfError(await upload(bob, `/api/users/${uniqueName('ghost')}/avatar`, png), 404, 'UserNotFound');
      expectHfError(await t.http().get(`/api/users/${uniqueName('ghost')}/avatar`), 404, 'UserNotFound');
      expectHfError(await t.http().post(`/api/users/${bob.username}/avatar`).set(as(bob)).send({ file: 'x' }), 400, 'MissingFile');

      const org = await createOrg(alice, [{ user: bob, role: 'member' }]);
      const orgUrl = `/api/organizations/${org}/avatar`;
      expectHfError(await upload(bob, orgUrl, png), 403, 'NotOrgAdmin');
      expectHfError(await t.http().get(`/api/organizations/${alice.username}/avatar`), 404, 'OrgNotFound');
      expect((await getAvatar(orgUrl).expect(200)).headers['content-type']).toMatch(/^image\/svg\+xml/);
      await upload(alice, orgUrl, png).expect(200);
      expect((await getAvatar(orgUrl).expect(200)).headers['content-type']).toBe('image/jpeg');
      const overview = await t.http().get(`/api/organizations/${org}/overview`).expect(200);
      expect(overview.body.avatarUrl).toBe(`${t.baseUrl}${orgUrl}`);
      const me = await t.http().get('/api/whoami-v2').set(as(bob)).expect(200);
      expect(me.body.orgs.find((o: { name: string }) => o.name === org).avatarUrl).toBe(`${t.baseUrl}${orgUrl}`);
      expect(await storedAvatars(org)).toHaveLength(1);

      expect((await t.http().delete(orgUrl).set(as(alice)).expect(200)).body).toEqual({ success: true, message: 'Avatar deleted successfully' });
      expect((await getAvatar(orgUrl).expect(200)).headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(await storedAvatars(org)).toEqual([]);
    });

    it('removes a deleted user\'s uploaded avatar from the store', async () => {
      const user = await createUserWithToken(t);
      await upload(user, `/api/users/${user.username}/avatar`, await image('png', 16, 16, '#000000')).expect(200);
      const { rows } = await t.db.query(`SELECT id FROM namespaces WHERE name = $1`, [user.username]);
      expect(await storedAvatars(user.username)).toHaveLength(1);
      await t.http().delete(`/admin/api/users/${user.username}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);
      expect(readdirSafe(avatarDir(rows[0].id))).toEqual([]);
    });
  });

  describe('settings', () => {
    it('a user sets full name, bio, website and handles; the overview shows them; absent fields stay, null and "" clear', async () => {
      const user = await createUserWithToken(t);
      const url = `/api/users/${user.username}/settings`;
      const put = await t
        .http()
        .put(url)
        .set(as(user))
        .send({ full_name: 'Ada Lovelace', bio: 'Engines.\nAnd notes.', website: 'https://ada.example.com/about?x=1', social_media: { github: '@ada', huggingface: 'ada-l' } })
        .expect(200);
      expect(put.body).toEqual({ success: true, message: 'User settings updated successfully' });
      const o = (await t.http().get(`/api/users/${user.username}/overview`).expect(200)).body;
      expect(o).toMatchObject({ fullname: 'Ada Lovelace', details: 'Engines.\nAnd notes.', bio: 'Engines.\nAnd notes.', website: 'https://ada.example.com/about?x=1', socialMedia: { github: 'ada', huggingface: 'ada-l' } });
      expect((await t.http().get('/api/whoami-v2').set(as(user)).expect(200)).body.fullname).toBe('Ada Lovelace');

      await t.http().put(url).set(as(user)).send({ website: null, bio: '' }).expect(200);
      const cleared = (await t.http().get(`/api/users/${user.username}/overview`).expect(200)).body;
      expect(cleared).toMatchObject({ fullname: 'Ada Lovelace', bio: null, website: null, socialMedia: { github: 'ada', huggingface: 'ada-l' } });
      await t.http().put(url).set(as(user)).send({ full_name: null, social_media: null }).expect(200);
      expect((await t.http().get(`/api/users/${user.username}/overview`).expect(200)).body).toMatchObject({ fullname: user.username, socialMedia: null });
    });

    it('refuses bad URLs, over-long or multi-line text, unknown fields and handles, and other people, changing nothing', async () => {
      const url = `/api/users/${alice.username}/settings`;
      await t.http().put(url).set(as(alice)).send({ website: 'https://alice.example.com', bio: 'kept' }).expect(200);
      const bad: Record<string, unknown>[] = [
        { website: 'javascript:alert(1)' },
        { website: 'ftp://files.example.com' },
        { website: 'https://user:secret@example.com' },
        { website: 'https://exa mple.com' },
        { website: `https://example.com/${'a'.repeat(300)}` },
        { website: 42 },
        { bio: 'x'.repeat(1001) },
        { bio: 'bell\u0007' },
        { full_name: 'two\nlines' },
        { full_name: 'n'.repeat(129) },
        { email: 'new@example.com' },
        { social_media: { mastodon: 'alice' } },
        { social_media: { github: 'https://github.com/alice' } },
        { social_media: 'alice' },
      ];
      for (const body of bad) expectHfError(await t.http().put(url).set(as(alice)).send(body), 400, 'ValidationError');
      expectHfError(await t.http().put(url).send({ bio: 'x' }), 401, 'Unauthorized');
      expectHfError(await t.http().put(url).set(as(bob)).send({ bio: 'hijacked' }), 403, 'NotProfileOwner');
      expect((await t.http().get(`/api/users/${alice.username}/overview`).expect(200)).body).toMatchObject({ website: 'https://alice.example.com', bio: 'kept' });
    });

    it('an organization\'s admins set its profile; members may not', async () => {
      const carol = await createUserWithToken(t);
      const org = await createOrg(alice, [{ user: bob, role: 'member' }, { user: carol, role: 'admin' }]);
      const url = `/api/organizations/${org}/settings`;
      expectHfError(await t.http().put(url).set(as(bob)).send({ bio: 'nope' }), 403, 'NotOrgAdmin');
      expectHfError(await t.http().put(`/api/organizations/${uniqueName('ghost')}/settings`).set(as(bob)).send({ bio: 'x' }), 404, 'OrgNotFound');
      await t
        .http()
        .put(url)
        .set(as(carol))
        .send({ full_name: 'Acme Lab', description: 'We train models', bio: 'Since 2026.', website: 'http://acme.internal:8080', social_media: { twitter_x: 'acme' } })
        .expect(200);
      const o = (await t.http().get(`/api/organizations/${org}/overview`).expect(200)).body;
      expect(o).toMatchObject({ name: org, fullname: 'Acme Lab', details: 'We train models', bio: 'Since 2026.', website: 'http://acme.internal:8080', socialMedia: { twitter_x: 'acme' } });
      expect((await t.http().get(`/org/${org}`).expect(200)).body).toMatchObject({ fullname: 'Acme Lab', description: 'We train models' });
    });

    it('server admins change any profile through the admin API (audited); others may not', async () => {
      const org = await createOrg(alice);
      expectHfError(await t.http().put(`/admin/api/users/${alice.username}/settings`).set(as(bob)).send({ bio: 'x' }), 403, 'InvalidAdminToken');
      await t.http().put(`/admin/api/users/${alice.username}/settings`).set('X-Admin-Token', ADMIN_TOKEN).send({ bio: 'set by an admin' }).expect(200);
      await t.http().put(`/admin/api/organizations/${org}/settings`).set('X-Admin-Token', ADMIN_TOKEN).send({ description: 'curated' }).expect(200);
      expectHfError(await t.http().put(`/admin/api/users/${alice.username}/settings`).set('X-Admin-Token', ADMIN_TOKEN).send({ website: 'file:///etc/passwd' }), 400, 'ValidationError');
      expectHfError(await t.http().put(`/admin/api/organizations/${uniqueName('ghost')}/settings`).set('X-Admin-Token', ADMIN_TOKEN).send({ bio: 'x' }), 404, 'OrgNotFound');
      expect((await t.http().get(`/api/users/${alice.username}/overview`).expect(200)).body.bio).toBe('set by an admin');
      expect((await t.http().get(`/api/organizations/${org}/overview`).expect(200)).body.details).toBe('curated');
      const { rows } = await t.db.query(`SELECT action, target FROM audit_log WHERE action IN ('user.settings', 'org.settings') AND result = 'success' ORDER BY id`);
      expect(rows.map((r: { action: string }) => r.action)).toEqual(expect.arrayContaining(['user.settings', 'org.settings']));
    });
  });

  describe('follows', () => {
    it('follows and unfollows users and organizations, with counts and isFollowing in overviews and paginated lists', async () => {
      const [u1, u2, u3] = [await createUserWithToken(t), await createUserWithToken(t), await createUserWithToken(t)];
      const org = await createOrg(u3);
      const first = await t.http().post(`/api/users/${u1.username}/follow`).set(as(u2)).expect(200);
      expect(first.body).toEqual({ success: true, following: true, numFollowers: 1 });
      await t.http().post(`/api/users/${u1.username}/follow`).set(as(u2)).expect(200); // twice: no change
      await t.http().post(`/api/users/${u1.username}/follow`).set(as(u3)).expect(200);
      await t.http().post(`/api/organizations/${org}/follow`).set(as(u2)).expect(200);

      const o1 = (await t.http().get(`/api/users/${u1.username}/overview`).set(as(u2)).expect(200)).body;
      expect(o1).toMatchObject({ numFollowers: 2, numFollowing: 0, isFollowing: true });
      expect((await t.http().get(`/api/users/${u1.username}/overview`).expect(200)).body.isFollowing).toBe(false);
      expect((await t.http().get(`/api/users/${u2.username}/overview`).expect(200)).body).toMatchObject({ numFollowers: 0, numFollowing: 2 });
      expect((await t.http().get(`/api/organizations/${org}/overview`).set(as(u2)).expect(200)).body).toMatchObject({ numFollowers: 1, isFollowing: true });

      const followers = await t.http().get(`/api/users/${u1.username}/followers`).expect(200);
      expect(followers.body.map((f: { user: string }) => f.user).sort()).toEqual([u2.username, u3.username].sort());
      expect(followers.body[0]).toMatchObject({ type: 'user', avatarUrl: expect.stringMatching(/\/api\/users\/.+\/avatar$/) });
      const page = await t.http().get(`/api/users/${u1.username}/followers?limit=1`).expect(200);
      expect(page.body).toHaveLength(1);
      expect(page.headers.link).toMatch(/rel="next"/);
      const following = (await t.http().get(`/api/users/${u2.username}/following`).expect(200)).body;
      expect(following.map((f: { user: string; type: string }) => [f.user, f.type]).sort()).toEqual([[org, 'org'], [u1.username, 'user']].sort());
      expect((await t.http().get(`/api/organizations/${org}/followers`).expect(200)).body.map((f: { user: string }) => f.user)).toEqual([u2.username]);

      expect((await t.http().delete(`/api/users/${u1.username}/follow`).set(as(u2)).expect(200)).body).toEqual({ success: true, following: false, numFollowers: 1 });
      await t.http().delete(`/api/users/${u1.username}/follow`).set(as(u2)).expect(200);
      expect((await t.http().get(`/api/users/${u2.username}/overview`).expect(200)).body.numFollowing).toBe(1);
      expect((await t.http().get(`/api/users/${u1.username}/overview`).expect(200)).body.numFollowers).toBe(1);
    });

    it('refuses following yourself, anonymous and read-only callers, and unknown names; a deleted follower stops counting', async () => {
      const [u1, u2] = [await createUserWithToken(t), await createUserWithToken(t)];
      const reader = await createUserWithToken(t, uniqueName('ro'), 'read');
      expectHfError(await t.http().post(`/api/users/${u1.username}/follow`).set(as(u1)), 400, 'CannotFollowSelf');
      expectHfError(await t.http().post(`/api/users/${u1.username}/follow`), 401, 'Unauthorized');
      expectHfError(await t.http().post(`/api/users/${u1.username}/follow`).set(as(reader)), 403, 'ReadOnlyToken');
      expectHfError(await t.http().post(`/api/users/${uniqueName('ghost')}/follow`).set(as(u1)), 404, 'UserNotFound');
      expectHfError(await t.http().post(`/api/organizations/${u2.username}/follow`).set(as(u1)), 404, 'OrgNotFound');
      expectHfError(await t.http().get(`/api/users/${uniqueName('ghost')}/followers`), 404, 'UserNotFound');

      await t.http().post(`/api/users/${u1.username}/follow`).set(as(u2)).expect(200);
      await t.http().post(`/api/users/${u2.username}/follow`).set(as(u1)).expect(200);
      await t.http().delete(`/admin/api/users/${u2.username}`).set('X-Admin-Token', ADMIN_TOKEN).expect(200);
      expect((await t.http().get(`/api/users/${u1.username}/overview`).expect(200)).body).toMatchObject({ numFollowers: 0, numFollowing: 0 });
      expect((await t.http().get(`/api/users/${u1.username}/followers`).expect(200)).body).toEqual([]);
    });
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
