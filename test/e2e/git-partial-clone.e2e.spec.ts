import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { createRepo } from '../support/repos';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Partial clone (`git clone --filter=…`, upload-pack's `filter`), v0 and v2: the same objects
 * arrive as from git's own upload-pack over file:// (allowFilter on), and the client then fetches
 * what it left out on demand (checkout, log -p) from Hangar.
 */
describe('git partial clone', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs('hangar-partial-');
  let bare: string;
  let url: string;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'partial').expect(200);
    url = gitUrl(t.baseUrl, `${u.username}/partial`, { user: u.username, token: u.token });

    // Three commits, nested folders, blobs on both sides of 1 KiB.
    work = dirs.make();
    await git(work, 'init', '-q', '-b', 'main');
    for (let i = 1; i <= 3; i++) {
      mkdirSync(path.join(work, 'a', 'b'), { recursive: true });
      writeFileSync(path.join(work, 'top.txt'), `top ${i}\n`);
      writeFileSync(path.join(work, 'a', 'mid.txt'), `mid ${i}\n`);
      writeFileSync(path.join(work, 'a', 'b', 'deep.bin'), Buffer.alloc(4096, i));
      await git(work, 'add', '-A');
      await git(work, 'commit', '-q', '-m', `commit ${i}`);
    }
    const pushed = await runGit(['push', '-q', '--force', url, 'main'], { cwd: work });
    expect(pushed.code).toBe(0);

    bare = path.join(dirs.make(), 'reference.git');
    await git(work, 'clone', '-q', '--bare', work, bare);
    await git(bare, 'config', 'uploadpack.allowFilter', 'true');
    await git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  }, 60_000);

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  /** Every object a clone holds, as `<type> <oid>` lines, sorted. */
  async function objects(dir: string): Promise<string[]> {
    const out = await git(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)');
    return out.trim().split('\n').filter(Boolean).sort();
  }

  async function cloneBoth(version: '0' | '2', filter: string): Promise<{ ours: string; theirs: string }> {
    const ours = path.join(dirs.make(), 'ours');
    const theirs = path.join(dirs.make(), 'theirs');
    for (const [from, to] of [
      [url, ours],
      [`file://${bare}`, theirs],
    ]) {
      const r = await runGit(['-c', `protocol.version=${version}`, 'clone', '-q', '--no-checkout', `--filter=${filter}`, from, to]);
      if (r.code !== 0) throw new Error(`clone from ${from === url ? 'Hangar' : 'git'} failed:\n${r.stderr}`);
    }
    return { ours, theirs };
  }

  for (const version of ['0', '2'] as const) {
    for (const [filter, blobs, trees] of [
      ['blob:none', 0, 9],
      ['blob:limit=1k', 6, 9],
      ['tree:0', 0, 0],
      ['tree:2', 3, 6],
    ] as const) {
      it(`clone --filter=${filter} receives what git's own server sends, then checks out on demand (protocol v${version})`, async () => {
        const { ours, theirs } = await cloneBoth(version, filter);
        const got = await objects(ours);
        expect(got).toEqual(await objects(theirs));
        const count = (type: string) => got.filter((l) => l.startsWith(`${type} `)).length;
        expect([count('commit'), count('tree'), count('blob')]).toEqual([3, trees, blobs]);

        // What the filter left out comes from Hangar when the client needs it.
        await git(ours, '-c', `protocol.version=${version}`, 'checkout', '-q', 'main');
        expect(readFileSync(path.join(ours, 'a', 'b', 'deep.bin'))).toEqual(Buffer.alloc(4096, 3));
        expect((await git(ours, '-c', `protocol.version=${version}`, 'log', '-p', '--format=%s', '--', 'top.txt')).match(/^\+top \d$/gm)).toEqual(['+top 3', '+top 2', '+top 1']);
        await git(ours, 'fsck', '--no-dangling');
      });
    }
  }

  // Last: it pushes a new commit, which the file:// reference above does not have.
  it('a partial clone pulls new commits, still without their blobs until checkout', async () => {
    const dir = path.join(dirs.make(), 'pulling');
    await git(dirs.make(), 'clone', '-q', '--filter=blob:none', url, dir);
    writeFileSync(path.join(work, 'top.txt'), 'top 4\n');
    await git(work, 'commit', '-q', '-am', 'commit 4');
    expect((await runGit(['push', '-q', url, 'main'], { cwd: work })).code).toBe(0);
    const fetched = await runGit(['fetch', '-q', 'origin'], { cwd: dir });
    expect(fetched.code).toBe(0);
    // The new blob is not there yet: a partial clone's fetch keeps its filter.
    const newBlob = (await git(work, 'rev-parse', 'HEAD:top.txt')).trim();
    expect((await objects(dir)).filter((l) => l === `blob ${newBlob}`)).toEqual([]);
    await git(dir, 'merge', '-q', '--ff-only', 'origin/main');
    expect(readFileSync(path.join(dir, 'top.txt'), 'utf8')).toBe('top 4\n');
    await git(dir, 'fsck', '--no-dangling');
  });

  it('refuses a filter it does not serve, as git does when a filter is not allowed', async () => {
    const r = await runGit(['clone', '-q', '--filter=sparse:oid=main:.sparse', url, path.join(dirs.make(), 'x')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("filter 'sparse:oid=main:.sparse' not supported");
  });
});
