import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import * as http from 'node:http';
import * as path from 'node:path';
import { createUserWithToken, TestUser } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { createRepo } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * git + git-lfs end to end, with the real git 2.39 and git-lfs 3.3 command lines: a clone of an
 * HF-API-created repo tracks `*.bin` with git-lfs and pushes two small files and a 100 MiB one.
 * git-lfs goes through the batch API (and locks/verify), git through smart HTTP only. The HF API
 * then lists the files as LFS entries, /resolve serves the same bytes, and a fresh clone plus
 * `git lfs pull` gets them back byte for byte.
 */

const MiB = 1024 * 1024;
const BIG = 100 * MiB;

interface Written {
  name: string;
  size: number;
  sha256: string;
}

/** Writes `size` random bytes to `file` in 4 MiB chunks (never the whole file in memory); returns the sha256. */
async function writeRandomFile(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'w');
  try {
    for (let left = size; left > 0; ) {
      const chunk = randomBytes(Math.min(left, 4 * MiB));
      hash.update(chunk);
      await fh.write(chunk);
      left -= chunk.length;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** sha256 of a file on disk, streamed. */
function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** GETs `url` (following up to 3 redirects) and streams the body into sha256: never buffered. */
function sha256Url(url: string, headers: Record<string, string>, redirects = 3): Promise<{ status: number; sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
          res.resume();
          const next = new URL(res.headers.location, url).toString();
          // Never send our Authorization to another origin (a presigned store URL).
          const sameOrigin = new URL(next).origin === new URL(url).origin;
          resolve(sha256Url(next, sameOrigin ? headers : {}, redirects - 1));
          return;
        }
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          hash.update(c);
        });
        res.on('end', () => resolve({ status, sha256: hash.digest('hex'), bytes }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('git-lfs push and pull with the real git-lfs', () => {
  let t: TestApp;
  let u: TestUser;
  let cred: { user: string; token: string };
  const dirs = scratchDirs('hangar-git-lfs-');

  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
    cred = { user: u.username, token: u.token };
  });

  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  it('pushes two small and one 100 MiB *.bin through the batch API; tree, /resolve and a fresh clone + lfs pull agree', async () => {
    const lfsVersion = await runGit(['lfs', 'version']);
    expect(lfsVersion.code).toBe(0);
    expect(lfsVersion.stdout).toMatch(/^git-lfs\/3\./);

    await createRepo(t, u.token, 'lfs-e2e').expect(200);
    const id = `${u.username}/lfs-e2e`;
    const url = gitUrl(t.baseUrl, id, cred);

    // 1. Clone the repo the HF API created, set up git-lfs in it, add three *.bin files.
    const dir = path.join(dirs.make(), 'work');
    const cloned = await runGit(['clone', url, dir]);
    expect({ code: cloned.code, stderr: cloned.code === 0 ? '' : cloned.stderr }).toEqual({ code: 0, stderr: '' });
    await git(dir, 'lfs', 'install', '--local');
    await git(dir, 'lfs', 'track', '*.bin');
    const files: Written[] = [];
    for (const [name, size] of [
      ['small-a.bin', 1000],
      ['nested/small-b.bin', 64 * 1024 + 7],
      ['big.bin', BIG],
    ] as const) {
      const full = path.join(dir, name);
      mkdirSync(path.dirname(full), { recursive: true });
      files.push({ name, size, sha256: await writeRandomFile(full, size) });
    }
    await git(dir, 'add', '.gitattributes', ...files.map((f) => f.name));
    await git(dir, 'commit', '-q', '-m', 'three LFS files');
    // What git stores is the pointer, not the bytes.
    for (const f of files) {
      const pointer = await git(dir, 'show', `HEAD:${f.name}`);
      expect(pointer).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${f.sha256}\nsize ${f.size}\n`);
    }
    const head = (await git(dir, 'rev-parse', 'HEAD')).trim();

    // 2. Push with tracing: git's own requests (GIT_TRACE_CURL, bodies off) and git-lfs's (GIT_TRACE).
    const push = await runGit(['push', 'origin', 'main'], { cwd: dir, env: { GIT_TRACE: '1', GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' } });
    expect({ code: push.code, tail: push.code === 0 ? '' : push.stderr.slice(-4000) }).toEqual({ code: 0, tail: '' });
    const trace = push.stderr;
    // Smart protocol only: no dumb-protocol fallback.
    expect(trace).toMatch(/GET \/[^ ]*info\/refs\?service=git-receive-pack HTTP/);
    expect(trace).toMatch(/POST \/[^ ]*git-receive-pack HTTP/);
    expect(trace).not.toMatch(/info\/refs(?!\?service=git-(upload|receive)-pack)/);
    expect(trace).not.toMatch(/objects\/info\/packs/);
    expect(trace).not.toMatch(/dumb http transport/i);
    // git-lfs asked about locks, then the batch API (upload), and verified.
    expect(trace).toMatch(/HTTP: POST [^\n]*\/info\/lfs\/locks\/verify/);
    expect(trace).toMatch(/HTTP: POST [^\n]*\/info\/lfs\/objects\/batch/);
    expect(trace).not.toMatch(/trace git-lfs: HTTP: [45]\d\d\s*$/m); // no git-lfs request answered 4xx/5xx
    // One basic-transfer PUT and one verify POST per object (all three are new to the server).
    expect(trace.match(/HTTP: PUT [^\n]*\/lfs\/uploads\//g) ?? []).toHaveLength(3);
    expect(trace.match(/HTTP: POST [^\n]*\/lfs\/uploads\/[^\n]*\/verify/g) ?? []).toHaveLength(3);

    // 3. The HF API: the commit is main's head; the tree lists the three files as LFS entries.
    const commits = await t.http().get(`/api/models/${id}/commits/main`).set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(commits.body[0].id).toBe(head);
    const treeEntries: { path: string; type: string; size: number; lfs?: { oid: string; size: number; pointerSize: number } }[] = [];
    for (const sub of ['', '/nested']) {
      const r = await t.http().get(`/api/models/${id}/tree/main${sub}`).set('Authorization', `Bearer ${u.token}`).expect(200);
      treeEntries.push(...r.body);
    }
    for (const f of files) {
      const e = treeEntries.find((x) => x.path === f.name);
      expect(e).toBeDefined();
      expect({ path: e!.path, type: e!.type, size: e!.size, lfs: e!.lfs && { oid: e!.lfs.oid, size: e!.lfs.size } }).toEqual({
        path: f.name,
        type: 'file',
        size: f.size,
        lfs: { oid: f.sha256, size: f.size },
      });
      expect(e!.lfs!.pointerSize).toBeLessThan(200);
    }
    expect(treeEntries.find((x) => x.path === '.gitattributes')?.lfs).toBeUndefined();

    // 4. /resolve serves the bytes behind each pointer (hashed as they stream; compared as hex).
    for (const f of files) {
      const got = await sha256Url(`${t.baseUrl}/${id}/resolve/main/${f.name}`, { Authorization: `Bearer ${u.token}` });
      expect({ file: f.name, status: got.status, bytes: got.bytes, sha256: got.sha256 }).toEqual({ file: f.name, status: 200, bytes: f.size, sha256: f.sha256 });
    }

    // 5. A fresh clone without git-lfs configured gets the pointers; `git lfs pull` the bytes.
    const again = path.join(dirs.make(), 'again');
    const second = await runGit(['clone', url, again]);
    expect({ code: second.code, stderr: second.code === 0 ? '' : second.stderr }).toEqual({ code: 0, stderr: '' });
    for (const f of files) {
      expect({ file: f.name, pointerSize: statSync(path.join(again, f.name)).size < 200 }).toEqual({ file: f.name, pointerSize: true });
      expect(readFileSync(path.join(again, f.name), 'utf8')).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${f.sha256}\nsize ${f.size}\n`);
    }
    await git(again, 'lfs', 'install', '--local');
    const pull = await runGit(['lfs', 'pull'], { cwd: again, env: { GIT_TRACE: '1' } });
    expect({ code: pull.code, tail: pull.code === 0 ? '' : pull.stderr.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(pull.stderr).toMatch(/HTTP: POST [^\n]*\/info\/lfs\/objects\/batch/);
    for (const f of files) {
      const full = path.join(again, f.name);
      expect({ file: f.name, size: statSync(full).size, sha256: await sha256File(full) }).toEqual({ file: f.name, size: f.size, sha256: f.sha256 });
    }
    // The work tree is clean: the smudged files match the committed pointers.
    expect(await git(again, 'status', '--porcelain')).toBe('');
  }, 90_000);
});
