import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Large incompressible blobs are stored as they are (a `.raw` key) and compressible ones deflated;
 * both forms download whole and by range, clone through git intact, and a push stores the same way.
 */

const KiB = 1024;

/** Deterministic incompressible bytes (AES-CTR keystream). */
function noise(bytes: number, seed: string): Buffer {
  return createCipheriv('aes-256-ctr', createHash('sha256').update(seed).digest(), Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

/** Deterministic text that deflates to well under its size but still over the inline limit (256 KiB). */
function text(bytes: number): Buffer {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
  const parts: string[] = [];
  let x = 7;
  let n = 0;
  while (n < bytes) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const w = `${words[x % words.length]}${x % 997} `;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

describe('large blobs stored raw or deflated', () => {
  let t: TestApp;
  let u: TestUser;
  const dirs = scratchDirs();
  const id = () => `${u.username}/raw`;

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    await createRepo(t, u.token, 'raw').expect(200);
  });

  afterAll(async () => {
    dirs.cleanup();
    await t.close();
  });

  const storageKey = async (oid: string): Promise<string | null> => {
    const { rows } = await t.db.query(`SELECT storage_key FROM git_objects WHERE oid = $1`, [oid]);
    return rows[0].storage_key;
  };
  const blobOid = (body: Buffer): string => createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
  const download = (p: string, range?: string) => {
    const req = t.http().get(`/${id()}/resolve/main/${p}`).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    return range ? req.set('Range', range) : req;
  };

  it('commits an incompressible blob raw and a compressible one deflated; both download whole and by range', async () => {
    const noisy = noise(700 * KiB, 'raw commit');
    const prose = text(2048 * KiB);
    await commit(t, u.token, id(), [header('two large files'), file('noise.bin', noisy), file('prose.txt', prose)]).expect(200);

    const noisyKey = await storageKey(blobOid(noisy));
    expect(noisyKey).toBe(`git/objects/${blobOid(noisy).slice(0, 2)}/${blobOid(noisy)}.raw`);
    expect(await storageKey(blobOid(prose))).toBe(`git/objects/${blobOid(prose).slice(0, 2)}/${blobOid(prose)}`);

    for (const [p, body] of [['noise.bin', noisy], ['prose.txt', prose]] as const) {
      const whole = await download(p).expect(200);
      expect(Buffer.compare(whole.body as Buffer, body)).toBe(0);
      const part = await download(p, 'bytes=1000-300999').expect(206);
      expect(part.headers['content-range']).toBe(`bytes 1000-300999/${body.length}`);
      expect(Buffer.compare(part.body as Buffer, body.subarray(1000, 301000))).toBe(0);
      const tail = await download(p, `bytes=${body.length - 10}-`).expect(206);
      expect(Buffer.compare(tail.body as Buffer, body.subarray(body.length - 10))).toBe(0);
    }
  });

  it('clones both forms intact (fsck), and a pushed incompressible blob is stored raw and downloads', async () => {
    const url = gitUrl(t.baseUrl, id(), { user: u.username, token: u.token });
    const work = path.join(dirs.make(), 'work');
    expect((await runGit(['clone', '-q', url, work])).code).toBe(0);
    await git(work, 'fsck', '--full', '--strict');
    expect(Buffer.compare(readFileSync(path.join(work, 'noise.bin')), noise(700 * KiB, 'raw commit'))).toBe(0);
    expect(Buffer.compare(readFileSync(path.join(work, 'prose.txt')), text(2048 * KiB))).toBe(0);

    const pushed = noise(1200 * KiB, 'raw push');
    writeFileSync(path.join(work, 'pushed.bin'), pushed);
    await git(work, 'add', 'pushed.bin');
    await git(work, 'commit', '-q', '-m', 'a pushed incompressible blob');
    expect((await runGit(['push', '-q', 'origin', 'main'], { cwd: work })).code).toBe(0);
    expect(await storageKey(blobOid(pushed))).toMatch(/\.raw$/);
    expect(Buffer.compare((await download('pushed.bin').expect(200)).body as Buffer, pushed)).toBe(0);

    const again = path.join(dirs.make(), 'again');
    expect((await runGit(['clone', '-q', '--depth', '1', url, again])).code).toBe(0);
    await git(again, 'fsck', '--full', '--strict');
    expect(Buffer.compare(readFileSync(path.join(again, 'pushed.bin')), pushed)).toBe(0);
  });
});
