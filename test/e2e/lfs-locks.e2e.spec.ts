import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'supertest';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

const LFS = 'application/vnd.git-lfs+json';

/** git-lfs's error shape: status, X-Error-Code, and `{"message"}` in its media type. */
function expectLfsError(res: Response, status: number, code: string): void {
  const summary = `${res.status} ${res.headers['x-error-code']} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, code: res.headers['x-error-code'], summary }).toEqual({ status, code, summary });
  expect(res.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
  expect(typeof res.body.message).toBe('string');
  expect(res.body.message.length).toBeGreaterThan(0);
}

describe('git-lfs locking API', () => {
  let t: TestApp;
  let alice: TestUser; // owns her repos; super-admin of the org
  let bob: TestUser; // member (not admin) of the org
  let carol: TestUser; // outsider
  let org: string;
  const basic = (u: TestUser) => `Basic ${Buffer.from(`git:${u.token}`).toString('base64')}`;
  const locksUrl = (id: string, prefix = '') => `${prefix}/${id}.git/info/lfs/locks`;

  const lfs = (method: 'get' | 'post', url: string, u: TestUser | null, body?: object) => {
    const req = t.http()[method](url).set('Accept', LFS);
    if (u) req.set('Authorization', basic(u));
    if (body === undefined) return req;
    return req.set('Content-Type', LFS).send(JSON.stringify(body));
  };
  const lock = (u: TestUser | null, id: string, body: object, prefix = '') => lfs('post', locksUrl(id, prefix), u, body);
  const list = (u: TestUser | null, id: string, query = '', prefix = '') => lfs('get', `${locksUrl(id, prefix)}${query}`, u);
  const verify = (u: TestUser | null, id: string, body: object = {}) => lfs('post', `${locksUrl(id)}/verify`, u, body);
  const unlock = (u: TestUser | null, id: string, lockId: string, body: object = {}) => lfs('post', `${locksUrl(id)}/${lockId}/unlock`, u, body);

  async function newRepo(owner: TestUser, extra: Record<string, unknown> = {}, prefix = 'locks'): Promise<string> {
    const name = uniqueName(prefix);
    await createRepo(t, owner.token, name, extra).expect(200);
    return `${(extra.organization as string | undefined) ?? owner.username}/${name}`;
  }

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    carol = await createUserWithToken(t);
    org = uniqueName('lockorg');
    await t.http().post('/org/create').set('Authorization', `Bearer ${alice.token}`).send({ name: org }).expect(200);
    await t.http().post(`/org/${org}/members`).set('Authorization', `Bearer ${alice.token}`).send({ username: bob.username, role: 'member' }).expect(200);
  });
  afterAll(() => t.close());

  it('creates a lock (201), refuses a second one on the path (409 with the holder), and lists it', async () => {
    const id = await newRepo(alice);
    const before = Date.now();
    const res = await lock(alice, id, { path: 'models/weights.bin', ref: { name: 'refs/heads/main' } }).expect(201);
    expect(res.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
    expect(res.body).toEqual({ lock: { id: expect.any(String), path: 'models/weights.bin', locked_at: expect.any(String), owner: { name: alice.username } } });
    const created = res.body.lock;
    expect(created.locked_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
    expect(Math.abs(Date.parse(created.locked_at) - before)).toBeLessThan(60_000);

    const again = await lock(alice, id, { path: 'models/weights.bin' });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
    expect(again.headers['x-error-code']).toBe('LockExists');
    expect(again.body).toEqual({ lock: created, message: expect.stringContaining('already locked') });

    // `ref` may come empty (git-lfs omits an unknown ref name), or not at all.
    await lock(alice, id, { path: 'b.bin', ref: {} }).expect(201);
    await lock(alice, id, { path: 'dir with space/ü.bin' }).expect(201);

    const all = await list(alice, id).expect(200);
    expect(all.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
    expect(all.body.locks.map((l: { path: string }) => l.path)).toEqual(['dir with space/ü.bin', 'b.bin', 'models/weights.bin']);
    expect(all.body.next_cursor).toBeUndefined();
    expect((await list(alice, id, `?path=${encodeURIComponent('models/weights.bin')}&refspec=refs%2Fheads%2Fdev`).expect(200)).body).toEqual({ locks: [created] });
    expect((await list(alice, id, `?id=${created.id}`).expect(200)).body).toEqual({ locks: [created] });
    expect((await list(alice, id, '?path=nope.bin').expect(200)).body).toEqual({ locks: [] });
    // Ids are opaque strings: one that cannot exist matches nothing.
    expect((await list(alice, id, '?id=not-a-lock').expect(200)).body).toEqual({ locks: [] });

    // Locks belong to one repository.
    const other = await newRepo(alice);
    expect((await list(alice, other).expect(200)).body).toEqual({ locks: [] });
    await lock(alice, other, { path: 'models/weights.bin' }).expect(201);
    expectLfsError(await unlock(alice, other, created.id), 404, 'LockNotFound');
  });

  it('pages newest first with limit and next_cursor (default 100, at most 1000)', async () => {
    const id = await newRepo(alice);
    for (let i = 0; i < 5; i++) await lock(alice, id, { path: `f${i}.bin` }).expect(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await list(alice, id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(res.body.locks.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.locks.map((l: { path: string }) => l.path));
      cursor = res.body.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(['f4.bin', 'f3.bin', 'f2.bin', 'f1.bin', 'f0.bin']);

    // Verify pages the same way.
    const v1 = await verify(alice, id, { limit: 3 }).expect(200);
    expect(v1.body.ours.map((l: { path: string }) => l.path)).toEqual(['f4.bin', 'f3.bin', 'f2.bin']);
    const v2 = await verify(alice, id, { limit: 3, cursor: v1.body.next_cursor }).expect(200);
    expect(v2.body).toEqual({ ours: [expect.objectContaining({ path: 'f1.bin' }), expect.objectContaining({ path: 'f0.bin' })], theirs: [] });

    // Larger limits are lowered to the maximum rather than refused.
    expect((await list(alice, id, '?limit=5000').expect(200)).body.locks).toHaveLength(5);
    expect((await verify(alice, id, { limit: 5000 }).expect(200)).body.ours).toHaveLength(5);
    expectLfsError(await list(alice, id, '?limit=0'), 400, 'ValidationError');
    expectLfsError(await list(alice, id, '?limit=ten'), 400, 'ValidationError');
    expectLfsError(await list(alice, id, '?cursor=abc'), 400, 'ValidationError');
    expectLfsError(await verify(alice, id, { cursor: 'abc' }), 400, 'ValidationError');
    expectLfsError(await verify(alice, id, { limit: '2' }), 400, 'ValidationError');
  });

  it('verify splits ours from theirs; unlock: own lock, 403 without force, force only for repo admins, 404 unknown', async () => {
    const id = await newRepo(alice, { organization: org });
    const mine = (await lock(alice, id, { path: 'alice.bin', ref: { name: 'refs/heads/main' } }).expect(201)).body.lock;
    const bobs = (await lock(bob, id, { path: 'bob.bin' }).expect(201)).body.lock;
    expect(bobs.owner).toEqual({ name: bob.username });
    // Bob cannot take Alice's path.
    const taken = await lock(bob, id, { path: 'alice.bin' });
    expect(taken.status).toBe(409);
    expect(taken.body.lock).toEqual(mine);

    expect((await verify(alice, id, { ref: { name: 'refs/heads/main' } }).expect(200)).body).toEqual({ ours: [mine], theirs: [bobs] });
    expect((await verify(bob, id, { ref: { name: 'refs/heads/main' }, limit: 100 }).expect(200)).body).toEqual({ ours: [bobs], theirs: [mine] });
    await verify(bob, id).expect(200).expect('Content-Type', /application\/vnd\.git-lfs\+json/);

    // Bob (member) may not break Alice's lock, with or without force.
    expectLfsError(await unlock(bob, id, mine.id), 403, 'LockNotOwned');
    expectLfsError(await unlock(bob, id, mine.id, { force: true, ref: { name: 'refs/heads/main' } }), 403, 'Forbidden');
    expect((await list(bob, id, `?id=${mine.id}`).expect(200)).body.locks).toEqual([mine]);
    // Alice (org super-admin) may, with force only.
    expectLfsError(await unlock(alice, id, bobs.id, { force: false }), 403, 'LockNotOwned');
    expect((await unlock(alice, id, bobs.id, { force: true }).expect(200)).body).toEqual({ lock: bobs });
    // Her own lock needs no force; git-lfs sends `force: false` and the ref.
    const own = await unlock(alice, id, mine.id, { force: false, ref: { name: 'refs/heads/main' } }).expect(200);
    expect(own.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
    expect(own.body).toEqual({ lock: mine });
    expect((await list(alice, id).expect(200)).body).toEqual({ locks: [] });

    expectLfsError(await unlock(alice, id, mine.id), 404, 'LockNotFound');
    expectLfsError(await unlock(alice, id, '999999999'), 404, 'LockNotFound');
    expectLfsError(await unlock(alice, id, 'abc'), 404, 'LockNotFound');
    expectLfsError(await unlock(alice, id, '99999999999999999999999'), 404, 'LockNotFound');
    // Unlocked paths can be locked again, by anyone with push rights.
    await lock(bob, id, { path: 'alice.bin' }).expect(201);
  });

  it('needs push rights: 401 with an LFS challenge for anonymous callers, 403 for readers and read-only tokens', async () => {
    const id = await newRepo(alice);
    const held = (await lock(alice, id, { path: 'a.bin' }).expect(201)).body.lock;
    const reader = await createUserWithToken(t, uniqueName('ro'), 'read');

    for (const res of [await lock(null, id, { path: 'x.bin' }), await list(null, id), await verify(null, id), await unlock(null, id, held.id)]) {
      expectLfsError(res, 401, 'Unauthorized');
      expect(res.headers['lfs-authenticate']).toMatch(/^Basic /);
    }
    for (const u of [carol, reader]) {
      for (const res of [await lock(u, id, { path: 'x.bin' }), await list(u, id), await verify(u, id), await unlock(u, id, held.id, { force: true })]) {
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(/application\/vnd\.git-lfs\+json/);
        expect(typeof res.body.message).toBe('string');
      }
    }
    // A private repository does not exist for outsiders.
    const secret = await newRepo(alice, { private: true });
    expectLfsError(await list(carol, secret), 404, 'RepoNotFound');
    expectLfsError(await list(alice, `${alice.username}/no-such-repo`), 404, 'RepoNotFound');
    expect((await list(alice, id).expect(200)).body.locks).toEqual([held]);
  });

  it('validates bodies: path required, no control characters; unknown fields are ignored', async () => {
    const id = await newRepo(alice);
    expectLfsError(await lock(alice, id, {}), 400, 'ValidationError');
    expectLfsError(await lock(alice, id, { path: '' }), 400, 'ValidationError');
    expectLfsError(await lock(alice, id, { path: 7 }), 400, 'ValidationError');
    expectLfsError(await lock(alice, id, { path: 'a\nb' }), 400, 'ValidationError');
    expectLfsError(await lock(alice, id, { path: 'a.bin', ref: { name: 5 } }), 400, 'ValidationError');
    expectLfsError(await unlock(alice, id, '1', { force: 'yes' }), 400, 'ValidationError');
    const bad = await t.http().post(locksUrl(id)).set('Authorization', basic(alice)).set('Content-Type', LFS).send('{"path":');
    expectLfsError(bad, 400, 'BadRequest');
    // Lenient like every HF / git-lfs route: a field the protocol doesn't have changes nothing.
    const ignored = await lock(alice, id, { path: 'a.bin', owner: 'bob' }).expect(201);
    expect(ignored.body.lock.owner).toEqual({ name: alice.username });
    expect((await list(alice, id).expect(200)).body.locks.map((l: { path: string }) => l.path)).toEqual(['a.bin']);
  });

  it('serves datasets and spaces under their prefixes, separately from a model of the same name', async () => {
    const name = uniqueName('same');
    await createRepo(t, alice.token, name).expect(200);
    await createRepo(t, alice.token, name, { type: 'dataset' }).expect(200);
    await createRepo(t, alice.token, name, { type: 'space', sdk: 'static' }).expect(200);
    const id = `${alice.username}/${name}`;
    const d = (await lock(alice, id, { path: 'data.parquet' }, '/datasets').expect(201)).body.lock;
    const s = (await lock(alice, id, { path: 'app.bin' }, '/spaces').expect(201)).body.lock;
    expect((await list(alice, id, '', '/datasets').expect(200)).body).toEqual({ locks: [d] });
    expect((await list(alice, id, '', '/spaces').expect(200)).body).toEqual({ locks: [s] });
    expect((await list(alice, id).expect(200)).body).toEqual({ locks: [] });
    expect((await lfs('post', `/datasets/${id}.git/info/lfs/locks/${d.id}/unlock`, alice, {}).expect(200)).body).toEqual({ lock: d });
    expectLfsError(await list(alice, `${alice.username}/${name}-missing`, '', '/datasets'), 404, 'RepoNotFound');
  });

  describe('with the real git-lfs client', () => {
    const hasGitLfs = (() => {
      try {
        execFileSync('git', ['lfs', 'version'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    const itGitLfs = hasGitLfs ? it : it.skip;
    let home: string;
    beforeAll(() => {
      if (!hasGitLfs) process.stderr.write('[lfs-locks] git-lfs is not installed: the real-client test is skipped\n');
      home = mkdtempSync(path.join(os.tmpdir(), 'hangar-gitlfs-home-'));
    });
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    /** Runs git asynchronously: the server answers from this same process. */
    const run = (cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) => {
        execFile(
          'git',
          args,
          {
            cwd,
            timeout: 30_000,
            env: {
              PATH: process.env.PATH,
              HOME: home,
              GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
              GIT_CONFIG_NOSYSTEM: '1',
              GIT_TERMINAL_PROMPT: '0',
              GIT_ASKPASS: 'true',
              LANG: 'C',
            },
          },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const ok = async (cwd: string, args: string[]) => {
      const r = await run(cwd, args);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };

    async function workdir(u: TestUser, id: string): Promise<string> {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-gitlfs-'));
      const remote = t.baseUrl.replace('://', `://${u.username}:${u.token}@`) + `/${id}`;
      await ok(dir, ['init', '-q', '-b', 'main']);
      await ok(dir, ['config', 'user.name', u.username]);
      await ok(dir, ['config', 'user.email', `${u.username}@example.com`]);
      await ok(dir, ['remote', 'add', 'origin', remote]);
      await ok(dir, ['config', 'lfs.url', `${remote}.git/info/lfs`]);
      writeFileSync(path.join(dir, 'file.bin'), 'binary\n');
      writeFileSync(path.join(dir, 'other.bin'), 'binary too\n');
      // git lfs unlock refuses client-side to unlock a file with uncommitted changes.
      await ok(dir, ['add', '-A']);
      await ok(dir, ['commit', '-q', '-m', 'files']);
      return dir;
    }

    itGitLfs('git lfs lock / locks / locks --verify / unlock, and refusals printed with the server message', async () => {
      const id = await newRepo(alice, { organization: org });
      const a = await workdir(alice, id);
      const b = await workdir(bob, id);
      try {
        expect(await ok(a, ['lfs', 'lock', 'file.bin'])).toMatch(/Locked file\.bin/);
        const held = (await list(alice, id).expect(200)).body.locks;
        expect(held).toEqual([expect.objectContaining({ path: 'file.bin', owner: { name: alice.username } })]);

        const listed = await ok(a, ['lfs', 'locks']);
        expect(listed).toMatch(new RegExp(`file\\.bin\\s+${alice.username}\\s+ID:${held[0].id}`));
        const json = JSON.parse(await ok(b, ['lfs', 'locks', '--json']));
        expect(json).toEqual([{ id: held[0].id, path: 'file.bin', owner: { name: alice.username }, locked_at: expect.any(String) }]);

        // --verify marks the caller's own locks with "O".
        expect(await ok(a, ['lfs', 'locks', '--verify'])).toMatch(/^O file\.bin/m);
        expect(await ok(b, ['lfs', 'locks', '--verify'])).toMatch(/^\s*file\.bin/m);

        // Bob is refused with the server's message; without force, and with it (he is no admin).
        const taken = await run(b, ['lfs', 'lock', 'file.bin']);
        expect(taken.code).not.toBe(0);
        expect(taken.stderr + taken.stdout).toMatch(/already locked/);
        const refused = await run(b, ['lfs', 'unlock', 'file.bin']);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr + refused.stdout).toMatch(/file\.bin is locked by .*only a repository admin can break the lock/);
        const forced = await run(b, ['lfs', 'unlock', '--force', 'file.bin']);
        expect(forced.code).not.toBe(0);
        expect(forced.stderr + forced.stdout).toMatch(/Only admins of .* can administer/);
        const unknown = await run(b, ['lfs', 'unlock', '--id=999999']);
        expect(unknown.code).not.toBe(0);
        expect(unknown.stderr + unknown.stdout).toMatch(/Lock 999999 not found/);
        expect((await list(alice, id).expect(200)).body.locks).toEqual(held);

        expect(await ok(b, ['lfs', 'lock', 'other.bin'])).toMatch(/Locked other\.bin/);
        // Alice (admin) breaks Bob's lock, and releases her own by id.
        expect(await ok(a, ['lfs', 'unlock', '--force', 'other.bin'])).toMatch(/Unlocked other\.bin/);
        expect(await ok(a, ['lfs', 'unlock', '--id', held[0].id])).toMatch(/Unlocked/);
        expect((await ok(a, ['lfs', 'locks'])).trim()).toBe('');
        expect((await list(alice, id).expect(200)).body).toEqual({ locks: [] });
      } finally {
        rmSync(a, { recursive: true, force: true });
        rmSync(b, { recursive: true, force: true });
      }
    });
  });
});
