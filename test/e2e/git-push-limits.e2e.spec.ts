import { randomBytes } from 'node:crypto';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { StoreSweepJob } from '../../src/git/engine/store-sweep.job';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A push that inflates far beyond its size is refused as it is read (issue 22 item 8), and what
 * crashes and refused pushes leave in the object store is swept once old enough, while referenced
 * content stays (item 9).
 */

const MiB = 1024 * 1024;
const GRACE_SECONDS = 3600;

describe('push inflate limits and the store sweep', () => {
  let t: TestApp;
  let u: TestUser;
  let store: ObjectStore;
  let work: string;
  let id: string;
  /** The store keys of accepted content. */
  let referenced: string[];
  const dirs = scratchDirs();

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_SWEEP_GRACE_SECONDS: String(GRACE_SECONDS) });
    u = await createUserWithToken(t);
    store = t.app.get<ObjectStore>(OBJECT_STORE);
    await createRepo(t, u.token, 'limits').expect(200);
    id = `${u.username}/limits`;
    await commit(t, u.token, id, [header('base'), file('README.md', '# limits\n')]).expect(200);
    work = path.join(dirs.make(), 'work');
    await git(dirs.make(), 'clone', '-q', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), work);
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  const keysUnder = async (prefix: string): Promise<string[]> => {
    const out: string[] = [];
    for await (const o of store.list(prefix)) out.push(o.key);
    return out;
  };
  const mainRef = async () => (await t.http().get(`/api/models/${id}/revision/main`).set('Authorization', `Bearer ${u.token}`).expect(200)).body.sha as string;

  it('takes a push of large incompressible files (stored in the object store)', async () => {
    writeFileSync(path.join(work, 'noise.bin'), randomBytes(5 * MiB));
    await git(work, 'add', 'noise.bin');
    await git(work, 'commit', '-q', '-m', 'noise');
    const r = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(r.code).toBe(0);
    referenced = await keysUnder('git/objects/');
    expect(referenced).toHaveLength(1);
  });

  it('refuses a push of zeros that inflates past the ratio, with the reason, moving no ref', async () => {
    const before = await mainRef();
    // 12 files of 6 MiB of zeros (each under the LFS threshold): 72 MiB of content in ~80 KiB of pack.
    for (let i = 0; i < 12; i++) {
      const zeros = Buffer.alloc(6 * MiB);
      zeros[0] = i + 1;
      writeFileSync(path.join(work, `zeros-${i}.bin`), zeros);
    }
    await git(work, 'add', '.');
    await git(work, 'commit', '-q', '-m', 'zeros');
    // Whole objects, as in the reported attack (no delta search: each file is its own zlib stream).
    const r = await runGit(['-c', 'pack.window=0', 'push', 'origin', 'main'], { cwd: work });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/inflates to more than 200 times its size/);
    expect(r.stderr).toContain('HANGAR_GIT_PUSH_MAX_INFLATE_RATIO');
    expect(await mainRef()).toBe(before);
  });

  it('sweeps crash leftovers and unreferenced pushed objects after the grace period, never referenced ones', async () => {
    const root = t.config.storage.driver === 'fs' ? t.config.storage.root : '';
    writeFileSync(path.join(root, '.tmp', 'crashed-upload'), 'partial');
    mkdirSync(path.join(root, '.multipart', 'crashed-multipart'), { recursive: true });
    const old = new Date(Date.now() - 2 * GRACE_SECONDS * 1000);
    utimesSync(path.join(root, '.tmp', 'crashed-upload'), old, old);
    utimesSync(path.join(root, '.multipart', 'crashed-multipart'), old, old);
    await store.put('git/incoming/crashed-push', Buffer.from('partial'));
    // The refused push left the blobs it streamed before it was stopped.
    const orphans = (await keysUnder('git/objects/')).length - referenced.length;
    expect(orphans).toBeGreaterThan(0);
    const sweep = t.app.get(StoreSweepJob);

    // Within the grace period nothing recent goes (a push or upload may still be running).
    expect(await sweep.run(new Date())).toEqual({ scratch: 2, incoming: 0, objects: 0 });
    const later = new Date(Date.now() + 2 * GRACE_SECONDS * 1000);
    const result = await sweep.run(later);
    expect(result).toEqual({ scratch: 0, incoming: 1, objects: orphans });
    expect(await keysUnder('git/objects/')).toEqual(referenced);
    expect(await keysUnder('git/incoming/')).toEqual([]);

    // The referenced object is intact: a fresh clone gets it.
    const dir = path.join(dirs.make(), 'clone');
    const c = await runGit(['clone', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), dir]);
    expect(c.code).toBe(0);
    expect((await git(dir, 'cat-file', '-s', 'HEAD:noise.bin')).trim()).toBe(String(5 * MiB));
  });

  it('renews a stored object a push reuses when the sweep could soon take it', async () => {
    // An object left unreferenced long ago (a refused push), that a later push sends again.
    const zeros = Buffer.alloc(6 * MiB);
    zeros[0] = 200;
    writeFileSync(path.join(work, 'again.bin'), zeros);
    const oid = (await git(work, 'hash-object', 'again.bin')).trim();
    const key = `git/objects/${oid.slice(0, 2)}/${oid}`;
    await store.put(key, deflateSync(zeros));
    const root = t.config.storage.driver === 'fs' ? t.config.storage.root : '';
    const old = new Date(Date.now() - GRACE_SECONDS * 1000);
    utimesSync(path.join(root, key), old, old);

    await git(work, 'reset', '-q', '--hard', 'origin/main');
    writeFileSync(path.join(work, 'again.bin'), zeros);
    await git(work, 'add', 'again.bin');
    await git(work, 'commit', '-q', '-m', 'again');
    const r = await runGit(['-c', 'pack.window=0', 'push', 'origin', 'main'], { cwd: work });
    expect(r.code).toBe(0);
    // Rewritten, not reused as it was: a sweep that listed it as old and unreferenced a moment
    // before the push recorded it finds it young now.
    expect((await store.head(key))!.lastModified.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await t.app.get(StoreSweepJob).run(new Date(Date.now() + (GRACE_SECONDS * 1000) / 2))).toMatchObject({ objects: 0 });
    expect(await keysUnder('git/objects/')).toContain(key);
  });
});
