import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { noise } from '../support/noise';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * upload-pack writes the objects it must load (commits, tags, blobs) in the order PostgreSQL reads
 * them, as the rows arrive: one read of the key range their ids span when they are most of it (a
 * clone), probes when they are few and spread over it (a fetch). Whatever the path, the pack holds
 * each object once and git accepts it; a row that cannot be read ends the answer with an error.
 */

const COMMITS = 4;
const FILES_PER_COMMIT = 150;

describe('git upload-pack: the pack streamed as rows are read', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs();
  let cred: { user: string; token: string };
  const id = () => `${u.username}/streamed`;
  const content = (c: number, i: number) => `commit ${c} file ${i}\n`;

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    cred = { user: u.username, token: u.token };
    await createRepo(t, u.token, 'streamed').expect(200);
    for (let c = 0; c < COMMITS; c++) {
      const files = Array.from({ length: FILES_PER_COMMIT }, (_, i) => file(`d${c}/f${i}.txt`, content(c, i)));
      // The first version of a file a later commit rewrites; and a blob kept in the object store.
      if (c === 0) files.push(file('big.bin', noise(400 * 1024, 'streamed')), file('changing.txt', 'old\n'));
      if (c === COMMITS - 1) files.push(file('changing.txt', 'new\n'));
      await commit(t, u.token, id(), [header(`commit ${c}`), ...files]).expect(200);
    }
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  async function clone(args: string[], version = '2'): Promise<string> {
    const dir = path.join(dirs.make(), 'clone');
    const r = await runGit(['-c', `protocol.version=${version}`, 'clone', '--no-checkout', ...args, gitUrl(t.baseUrl, id(), cred), dir]);
    expect(r.code).toBe(0);
    await git(dir, 'fsck', '--full', '--strict', '--no-dangling');
    return dir;
  }

  /** Every object of a clone, as `<id> <type>`. */
  async function stored(dir: string): Promise<string[]> {
    return (await git(dir, 'cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)')).trim().split('\n');
  }

  it.each(['0', '2'])('a full clone (protocol v%s) has every object of the history once, fsck clean', async (version) => {
    const dir = await clone([], version);
    const objects = await stored(dir);
    // Blobs: every file of every commit, both versions of changing.txt, big.bin, .gitattributes.
    expect(objects.filter((o) => o.endsWith(' blob')).length).toBe(COMMITS * FILES_PER_COMMIT + 4);
    expect(objects.filter((o) => o.endsWith(' commit')).length).toBe(COMMITS + 1);
    expect((await git(dir, 'rev-list', '--count', 'HEAD')).trim()).toBe(String(COMMITS + 1));
    expect(await git(dir, 'show', 'HEAD~2:d1/f7.txt')).toBe(content(1, 7));
    expect(await git(dir, 'show', `HEAD~${COMMITS - 1}:changing.txt`)).toBe('old\n');
    expect((await git(dir, 'cat-file', '-s', 'HEAD:big.bin')).trim()).toBe(String(400 * 1024));
  });

  it('a depth-1 clone has the tip tree and only its blobs', async () => {
    const dir = await clone(['--depth', '1']);
    expect((await git(dir, 'ls-tree', '-r', 'HEAD')).trim().split('\n').length).toBe(COMMITS * FILES_PER_COMMIT + 3);
    expect(await git(dir, 'show', 'HEAD:changing.txt')).toBe('new\n');
    // The old version of changing.txt is not in the pack.
    const old = (await runGit(['hash-object', '--stdin'], { cwd: dir, input: 'old\n' })).stdout.trim();
    expect((await runGit(['cat-file', '-e', old], { cwd: dir })).code).not.toBe(0);
  });

  it('a fetch of a few new objects spread over the key range (probed, not read as a range) brings exactly them', async () => {
    const dir = await clone([]);
    // Three new blobs and a commit: their ids span most of the repository's rows, far more than a
    // range read may pass over for four ids.
    const fresh = ['alpha', 'beta', 'gamma'].map((n) => file(`new/${n}.txt`, `${n} arrives later\n`));
    await commit(t, u.token, id(), [header('a few more'), ...fresh]).expect(200);
    const before = new Set(await stored(dir));
    const r = await runGit(['-c', 'protocol.version=2', 'fetch', '-q', 'origin'], { cwd: dir });
    expect(r.code).toBe(0);
    await git(dir, 'fsck', '--full', '--strict', '--no-dangling');
    expect(await git(dir, 'show', 'origin/main:new/beta.txt')).toBe('beta arrives later\n');
    // The commit, the new root tree, the new folder's tree and the three blobs.
    const added = (await stored(dir)).filter((o) => !before.has(o));
    expect(added.map((o) => o.split(' ')[1]).sort()).toEqual(['blob', 'blob', 'blob', 'commit', 'tree', 'tree']);
  });

  it('a row that cannot be read ends the answer with an error (band 3), not a pack git would take', async () => {
    await createRepo(t, u.token, 'broken').expect(200);
    await commit(t, u.token, `${u.username}/broken`, [header('files'), ...Array.from({ length: 40 }, (_, i) => file(`f${i}.txt`, `broken ${i}\n`))]).expect(200);
    const lost = (await runGit(['hash-object', '--stdin'], { input: 'broken 17\n' })).stdout.trim();
    const { rowCount } = await t.db.query(
      `DELETE FROM git_objects WHERE oid = $1 AND repo_id = (SELECT r.id FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE n.name = $2 AND r.name = 'broken')`,
      [lost, u.username],
    );
    expect(rowCount).toBe(1);
    const dir = path.join(dirs.make(), 'broken');
    const r = await runGit(['-c', 'protocol.version=2', 'clone', '--no-checkout', gitUrl(t.baseUrl, `${u.username}/broken`, cred), dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('could not read an object');
  });
});
