import { createHash, createCipheriv } from 'node:crypto';
import { createReadStream, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A plain git blob far larger than the reader keeps in memory (allowed by a raised LFS
 * threshold) is pushed, stored in the object store as it streams in, and cloned back intact.
 * The server's memory is observed by bench/git.sh (shape B), not asserted here.
 */

const MiB = 1024 * 1024;
const BIG_BYTES = 80 * MiB;

/** Deterministic incompressible bytes (AES-CTR keystream). */
function noise(bytes: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

describe('git push of a large plain blob', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs();

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_LFS_THRESHOLD_BYTES: String(128 * MiB) });
    u = await createUserWithToken(t);
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  it('streams an 80 MiB blob into the object store and clones it back byte for byte', async () => {
    await createRepo(t, u.token, 'big').expect(200);
    const url = gitUrl(t.baseUrl, `${u.username}/big`, { user: u.username, token: u.token });
    const work = path.join(dirs.make(), 'work');
    expect((await runGit(['clone', '-q', url, work])).code).toBe(0);
    const big = noise(BIG_BYTES, 'big push');
    const expected = createHash('sha256').update(big).digest('hex');
    writeFileSync(path.join(work, 'weights.bin'), big);
    await git(work, 'add', 'weights.bin');
    await git(work, 'commit', '-q', '-m', 'a large plain blob');
    const blobOid = (await git(work, 'rev-parse', 'HEAD:weights.bin')).trim();
    const push = await runGit(['push', 'origin', 'main'], { cwd: work });
    expect(push.stderr).not.toContain('rejected');
    expect(push.code).toBe(0);
    console.log(`after pushing ${BIG_BYTES / MiB} MiB: jest process (server included) rss ${Math.round(process.memoryUsage().rss / MiB)} MiB`);

    const { rows } = await t.db.query(`SELECT size, body IS NULL AS "outside", storage_key AS "key" FROM git_objects WHERE oid = $1`, [blobOid]);
    expect(rows.map((r: { size: string }) => ({ ...r, size: Number(r.size) }))).toEqual([{ size: BIG_BYTES, outside: true, key: `git/objects/${blobOid.slice(0, 2)}/${blobOid}` }]);

    const again = path.join(dirs.make(), 'again');
    expect((await runGit(['clone', '-q', url, again])).code).toBe(0);
    expect(await sha256File(path.join(again, 'weights.bin'))).toBe(expected);
    await git(again, 'fsck', '--full', '--strict', '--no-dangling');
  });
});
