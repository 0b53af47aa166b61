import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { createRepo } from '../support/repos';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * `git clone/fetch --shallow-since` and `--shallow-exclude` (upload-pack's `deepen-since` and
 * `deepen-not`), v0 and v2, judged against git's own upload-pack serving the same history over
 * file://: the same commits arrive and the same shallow boundary is recorded.
 *
 * History (committer dates), with a side branch merged at the tip:
 *   c1 2020 ← c2 2021 ← c3 2022 (tag v3) ← c4 2023 ← c5 2024 (merge)
 *                 ↖ s1 2023-06 ────────────────────────↗
 */
describe('git shallow fetches by date and by excluded ref', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs('hangar-shallow-');
  let bare: string;
  let id: string;

  const at = (date: string) => ({ GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  async function commitAt(dir: string, file: string, date: string, extra: string[] = []): Promise<void> {
    writeFileSync(path.join(dir, file), `${file} at ${date}\n`);
    await git(dir, 'add', file);
    const r = await runGit(['commit', '-q', '-m', `${file} ${date}`, ...extra], { cwd: dir, env: at(date) });
    if (r.code !== 0) throw new Error(r.stderr);
  }

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'dated').expect(200);
    id = `${u.username}/dated`;

    const work = dirs.make();
    await git(work, 'init', '-q', '-b', 'main');
    await commitAt(work, 'one', '2020-01-01T00:00:00Z');
    await commitAt(work, 'two', '2021-01-01T00:00:00Z');
    await git(work, 'branch', 'side');
    await commitAt(work, 'three', '2022-01-01T00:00:00Z');
    await git(work, 'tag', 'v3');
    await commitAt(work, 'four', '2023-01-01T00:00:00Z');
    await git(work, 'checkout', '-q', 'side');
    await commitAt(work, 'side', '2023-06-01T00:00:00Z');
    await git(work, 'checkout', '-q', 'main');
    const merged = await runGit(['merge', '-q', '--no-ff', '-m', 'merge side', 'side'], { cwd: work, env: at('2024-01-01T00:00:00Z') });
    expect(merged.code).toBe(0);
    const pushed = await runGit(['push', '-q', '--force', gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), 'main', 'side', 'v3'], { cwd: work });
    expect(pushed.stderr).not.toMatch(/rejected|error/);
    expect(pushed.code).toBe(0);

    bare = path.join(dirs.make(), 'reference.git');
    await git(work, 'clone', '-q', '--bare', work, bare);
  }, 60_000);

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  /**
   * What a clone holds: the commits it received, every object, and its shallow boundary. Objects
   * rather than refs: over file:// git follows a lightweight tag in v0 where over HTTP it does not
   * (git's own http-backend included), a client difference this test is not about.
   */
  async function state(dir: string): Promise<{ commits: string[]; objects: number; shallow: string[] }> {
    const all = (await git(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype) %(objectname)')).trim().split('\n').filter(Boolean);
    const commits = all.filter((l) => l.startsWith('commit ')).map((l) => l.slice(7)).sort();
    const file = path.join(dir, '.git', 'shallow');
    const shallow = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).sort() : [];
    return { commits, objects: all.length, shallow };
  }

  /** Clones from Hangar and from git's own upload-pack with the same options. */
  async function cloneBoth(version: '0' | '2', args: string[]): Promise<{ ours: string; theirs: string }> {
    const ours = path.join(dirs.make(), 'ours');
    const theirs = path.join(dirs.make(), 'theirs');
    const a = await runGit(['-c', `protocol.version=${version}`, 'clone', '-q', ...args, gitUrl(t.baseUrl, id, { user: u.username, token: u.token }), ours]);
    if (a.code !== 0) throw new Error(`clone from Hangar failed:\n${a.stderr}`);
    const b = await runGit(['-c', `protocol.version=${version}`, 'clone', '-q', ...args, `file://${bare}`, theirs]);
    if (b.code !== 0) throw new Error(`clone from git failed:\n${b.stderr}`);
    return { ours, theirs };
  }

  async function fetchIn(dir: string, version: '0' | '2', args: string[]): Promise<void> {
    await git(dir, '-c', `protocol.version=${version}`, 'fetch', '-q', ...args, 'origin');
  }

  for (const version of ['0', '2'] as const) {
    it(`clone --shallow-since, then fetch --shallow-since deeper, as git's own server (protocol v${version})`, async () => {
      const { ours, theirs } = await cloneBoth(version, ['--shallow-since=2022-06-01']);
      const first = await state(ours);
      expect(first).toEqual(await state(theirs));
      // c5, c4 and s1 are kept; c4 and s1 are the boundary.
      expect([first.commits.length, first.shallow.length]).toEqual([3, 2]);
      await git(ours, 'fsck', '--full', '--no-dangling');

      for (const dir of [ours, theirs]) await fetchIn(dir, version, ['--shallow-since=2020-06-01']);
      const deeper = await state(ours);
      expect(deeper).toEqual(await state(theirs));
      expect([deeper.commits.length, deeper.shallow.length]).toEqual([5, 1]);

      for (const dir of [ours, theirs]) await fetchIn(dir, version, ['--unshallow']);
      const full = await state(ours);
      expect(full).toEqual(await state(theirs));
      expect([full.commits.length, full.shallow.length]).toEqual([6, 0]);
      await git(ours, 'fsck', '--full', '--no-dangling');
    });

    it(`clone --shallow-exclude a tag, then fetch --shallow-exclude a branch, as git's own server (protocol v${version})`, async () => {
      const { ours, theirs } = await cloneBoth(version, ['--shallow-exclude=v3']);
      const first = await state(ours);
      expect(first).toEqual(await state(theirs));
      expect([first.commits.length, first.shallow.length]).toEqual([3, 2]);
      await git(ours, 'fsck', '--full', '--no-dangling');

      // `side` (s1) excluded with its history: c5, c4, c3 remain, c3 at the boundary.
      for (const dir of [ours, theirs]) await fetchIn(dir, version, ['--shallow-exclude=side']);
      const second = await state(ours);
      expect(second).toEqual(await state(theirs));
      expect(second.commits).toHaveLength(4);
      await git(ours, 'fsck', '--full', '--no-dangling');
    });

    it(`clone --no-single-branch --shallow-since: a wanted tag older than the date comes with its history, as git's own server (protocol v${version})`, async () => {
      const { ours, theirs } = await cloneBoth(version, ['--no-single-branch', '--shallow-since=2022-06-01']);
      const got = await state(ours);
      expect(got).toEqual(await state(theirs));
      expect([got.commits.length, got.shallow.length]).toEqual([6, 2]);
      await git(ours, 'fsck', '--full', '--no-dangling');
    });
  }

  it('refuses what git refuses: an unknown ref to exclude, a date that leaves nothing, depth with a date', async () => {
    const url = gitUrl(t.baseUrl, id, { user: u.username, token: u.token });
    const unknown = await runGit(['clone', '-q', '--shallow-exclude=nope', url, path.join(dirs.make(), 'x')]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('deepen-not is not a ref');

    const future = await runGit(['clone', '-q', '--shallow-since=2030-01-01', url, path.join(dirs.make(), 'y')]);
    expect(future.code).not.toBe(0);
    expect(future.stderr).toContain('no commits selected for shallow requests');

    const dir = path.join(dirs.make(), 'z');
    await git(dirs.make(), 'clone', '-q', '--depth=1', url, dir);
    const both = await runGit(['fetch', '-q', '--depth=2', '--shallow-since=2021-06-01', 'origin'], { cwd: dir });
    expect(both.code).not.toBe(0);
    expect(both.stderr).toContain('deepen and deepen-since (or deepen-not) cannot be used together');
  });
});
