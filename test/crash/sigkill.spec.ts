import type { INestApplication } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHangarApp } from '../../src/app-setup';
import { loadConfig } from '../../src/core/config/config';
import { StoreSweepJob } from '../../src/git/engine/store-sweep.job';
import { LfsCleanupJob } from '../../src/lfs/lfs-cleanup.job';
import { uniqueName } from '../support/accounts';
import { createUserOverHttp } from '../support/http-accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { freePort, freshDataDir, MAIN, startHangarProcess, waitFor, type HangarProcess } from '../support/hangar-process';
import { createTestDatabase, dropTestDatabase, withAdminClient } from '../support/postgres';
import { file, header, ndjson } from '../support/repos';
import { ADMIN_TOKEN } from '../support/test-app';
import { PYTHON } from '../support/xet-vectors';

/**
 * Crash safety: Hangar is killed with SIGKILL at a random moment while a client writes (an LFS
 * upload + commit, an NDJSON commit of many files, a git push, a Xet upload), then started
 * again. After every restart: refs point to complete commits (a clone passes
 * `git fsck --full --strict`), every listed file downloads with its recorded hash, and the
 * storage counters equal a recount. At the end the scheduled sweeps remove what the crashes left
 * in the store, and nothing referenced. HANGAR_CRASH_KILLS kills per operation (default 5; the
 * bench runs 20).
 */
const KILLS = Number(process.env.HANGAR_CRASH_KILLS ?? 5);
/** Any one request or clone of the checks: a hang is a failure with a message, not a stalled suite. */
const REQUEST_TIMEOUT_MS = 120_000;
const HF0_PYTHON = path.join(path.dirname(PYTHON), '..', '..', '.venv-hf0', 'bin', 'python');

describe(`SIGKILL during writes (${KILLS} kills per operation)`, () => {
  let database: { url: string; name: string };
  let dataDir: string;
  let env: Record<string, string>;
  let node: HangarProcess | null = null;
  let url: string;
  let user: { name: string; token: string };
  const dirs = scratchDirs('hangar-crash-');
  const repos = new Set<string>();
  /** Per operation: whether each kill came during the client's operation or after it ended. */
  const outcomes: Record<string, ('during' | 'after')[]> = {};

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    database = await createTestDatabase('crash');
    dataDir = freshDataDir('hangar-crash-data-');
    env = {
      HANGAR_HOST: '127.0.0.1',
      HANGAR_DATA_DIR: dataDir,
      HANGAR_DATABASE_URL: database.url,
      HANGAR_DATABASE_POOL_SIZE: '4',
      HANGAR_SECRET: 'crash-secret-0123456789abcdef0123456789abcdef',
      HANGAR_ADMIN_TOKEN: ADMIN_TOKEN,
      HANGAR_LOG_LEVEL: 'warn',
      // Small files go LFS, so that the LFS and Xet uploads stay small and quick.
      HANGAR_LFS_THRESHOLD_BYTES: String(64 * 1024),
    };
    await start();
    user = await createUserOverHttp(url, ADMIN_TOKEN, 'crash');
  }, 120_000);

  afterAll(async () => {
    if (node && node.child.exitCode === null) {
      node.child.kill('SIGKILL');
      await node.exited;
    }
    dirs.cleanup();
    await dropTestDatabase(database.name);
  }, 60_000);

  /**
   * Starts Hangar on a fresh port each time, as a node restarted behind a load balancer: the
   * killed node's port may still be held for a moment (a client's socket, TIME_WAIT), and a
   * client's pooled connection to it must not be mistaken for one to the new node.
   */
  async function start(): Promise<void> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = { ...env, HANGAR_PORT: String(port), HANGAR_BASE_URL: url };
    node = startHangarProcess(env);
    const n = node;
    // A node that dies without the test's kill is a finding: show what it said.
    void n.exited.then((code) => {
      if (n.child.signalCode !== 'SIGKILL') process.stderr.write(`crash test: Hangar exited by itself (${code}):\n${n.output()}\n`);
    });
    await Promise.race([waitFor(`${url}/health/ready`, Date.now() + 90_000), n.exited.then((code) => Promise.reject(new Error(`Hangar exited with ${code}:\n${n.output()}`)))]);
  }

  /**
   * Runs `operation` against a fresh repo once without a kill, to learn how long it takes here and
   * now, then `KILLS` times more, killing Hangar after a random part of that time (the client is
   * stopped too: the crash is the server's), starting it again and checking the repo.
   */
  async function killDuring(
    name: string,
    operation: (repo: string, stop: AbortSignal) => Promise<unknown>,
    prepare: (repo: string) => Promise<void> = async () => undefined,
  ): Promise<void> {
    // Past this, the loop gives up rather than run on after jest's timeout, killing the node
    // under the next test.
    const giveUpAt = Date.now() + KILLS * 60_000;
    const repo = await newRepo();
    await prepare(repo);
    const started = Date.now();
    await operation(repo, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    const withinMs = Date.now() - started;
    for (let i = 0; i < KILLS; i++) {
      if (Date.now() > giveUpAt) throw new Error(`${name}: out of time after ${i} kills`);
      await prepare(repo);
      const stop = new AbortController();
      let finished = false;
      const running = operation(repo, stop.signal).then(
        () => (finished = true),
        () => undefined, // the crash may fail the client: that is the point
      );
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * withinMs)));
      node!.child.kill('SIGKILL');
      await node!.exited;
      stop.abort();
      await running;
      (outcomes[name] ??= []).push(finished ? 'after' : 'during');
      await start();
      await expectConsistent([repo]);
    }
  }

  async function newRepo(): Promise<string> {
    const name = uniqueName('crash');
    const res = await fetch(`${url}/api/repos/create`, {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, type: 'model' }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    if (res.status !== 200) throw new Error(`create repo: ${res.status} ${await res.text()}`);
    repos.add(`${user.name}/${name}`);
    return `${user.name}/${name}`;
  }

  const auth = () => ({ Authorization: `Bearer ${user.token}` });

  /** Every repo: a complete history (fsck of a full clone), every listed file with its hash, exact counters. */
  async function expectConsistent(which: Iterable<string> = repos): Promise<void> {
    for (const id of which) {
      const clone = path.join(dirs.make(), 'clone');
      const cloned = await runGit(['clone', '-q', '--no-checkout', gitUrl(url, id, { user: user.name, token: user.token }), clone], {
        env: { GIT_LFS_SKIP_SMUDGE: '1' },
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      expect([id, cloned.code, cloned.stderr]).toEqual([id, 0, '']);
      const fsck = await runGit(['fsck', '--full', '--strict', '--no-dangling'], { cwd: clone });
      expect([id, fsck.code, fsck.stderr]).toEqual([id, 0, '']);
      const tree = await listTree(id);
      const files = tree.filter((x) => x.type === 'file');
      const downloaded = await inParallel(files, 8, async (e) => {
        const got = await fetch(`${url}/${id}/resolve/main/${e.path}`, { headers: auth(), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).then(
          async (res) => ({ res, bytes: Buffer.from(await res.arrayBuffer()) }),
          async (err: Error) => {
            // A cut or stalled answer: what the server logged and what its sessions wait on say why.
            throw new Error(`GET ${e.path}: ${err.message} (${String((err.cause as Error | undefined)?.message)}); Hangar's output:\n${node!.output().slice(-4000)}\nsessions:\n${await sessions()}`);
          },
        );
        const { res, bytes } = got;
        return [id, e.path, res.status, e.lfs ? sha256(bytes) : gitBlobId(bytes)];
      });
      expect(downloaded).toEqual(files.map((e) => [id, e.path, 200, e.lfs ? e.lfs.oid : e.oid]));
      if (tree.length) expect((await git(clone, 'ls-tree', '-r', '--name-only', 'HEAD')).trim().split('\n').sort()).toEqual(tree.filter((x) => x.type === 'file').map((x) => x.path).sort());
    }
    const recount = await fetch(`${url}/admin/api/repositories/recalculate-all`, {
      method: 'POST',
      headers: { 'X-Admin-Token': ADMIN_TOKEN },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    expect([recount.status, ((await recount.json()) as { corrections: unknown[] }).corrections]).toEqual([200, []]);
  }

  /** The crash database's sessions and what they wait on (for failure messages). */
  async function sessions(): Promise<string> {
    const { rows } = await withAdminClient((c) =>
      c.query(
        `SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid) AS blocked_by, now() - xact_start AS in_xact, left(query, 160) AS query
           FROM pg_stat_activity WHERE datname = $1 ORDER BY pid`,
        [database.name],
      ),
    );
    const { rows: locks } = await withAdminClient((c) =>
      c.query(`SELECT l.pid, l.locktype, l.mode, l.granted, l.objid, l.classid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = $1 AND l.locktype = 'advisory'`, [database.name]),
    );
    return JSON.stringify(rows, null, 1) + '\nadvisory locks: ' + JSON.stringify(locks);
  }

  /** The whole recursive listing of main, page after page (a page holds 1,000 entries). */
  async function listTree(id: string): Promise<TreeEntry[]> {
    const out: TreeEntry[] = [];
    for (let next: string | null = `${url}/api/models/${id}/tree/main?recursive=true`; next; ) {
      const res = await fetch(next, { headers: auth(), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      expect([id, res.status]).toEqual([id, 200]);
      out.push(...((await res.json()) as TreeEntry[]));
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }
    return out;
  }

  it('an NDJSON commit of many files', async () => {
    await killDuring('ndjson', async (repo, stop) => {
      const lines = [header('many files')];
      for (let f = 0; f < 200; f++) lines.push(file(`many/${randomBytes(4).toString('hex')}-${f}.txt`, randomBytes(200).toString('hex')));
      await fetch(`${url}/api/models/${repo}/commit/main`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/x-ndjson' }, body: ndjson(lines), signal: stop });
    });
  }, KILLS * 60_000 + 60_000);

  it('a git push', async () => {
    const work = path.join(dirs.make(), 'work');
    await killDuring(
      'git push',
      async (repo, stop) => {
        const pushed = await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work, signal: stop });
        if (pushed.code !== 0) throw new Error(pushed.stderr);
      },
      async (repo) => {
        // Outside the kill window: a fresh commit of many new blobs on top of what the server has.
        const remote = gitUrl(url, repo, { user: user.name, token: user.token });
        if (!existsSync(work)) expect((await runGit(['clone', '-q', remote, work])).code).toBe(0);
        await git(work, 'remote', 'set-url', 'origin', remote); // the node's port changes at each start
        await git(work, 'fetch', '-q', 'origin');
        await git(work, 'reset', '-q', '--hard', 'origin/main');
        for (let f = 0; f < 100; f++) writeFileSync(path.join(work, `p-${randomBytes(4).toString('hex')}.bin`), randomBytes(2000));
        await git(work, 'add', '.');
        await git(work, 'commit', '-qm', 'many blobs');
      },
    );
  }, KILLS * 60_000 + 60_000);

  it('an LFS upload and its commit (huggingface_hub 0.x, Xet off)', async () => {
    await killDuring('lfs', (repo, stop) => upload(HF0_PYTHON, repo, stop, { HF_HUB_DISABLE_XET: '1' }));
  }, KILLS * 60_000 + 60_000);

  it('a Xet upload and its commit (huggingface_hub + hf_xet)', async () => {
    await killDuring('xet', (repo, stop) => upload(PYTHON, repo, stop, {}));
  }, KILLS * 60_000 + 60_000);

  it('leaves nothing behind that the scheduled sweeps do not remove, and they remove nothing referenced', async () => {
    expect(Object.values(outcomes).map((o) => o.length)).toEqual([KILLS, KILLS, KILLS, KILLS]);
    process.stderr.write(`crash test: kills per operation (during / after the client's operation): ${JSON.stringify(outcomes)}\n`);
    node!.child.kill('SIGKILL');
    await node!.exited;
    // The jobs as a node runs them, on the same database and store, a day and more later.
    const app: INestApplication = await createHangarApp(loadConfig({ ...env, HANGAR_PORT: String(await freePort()) }), database.url, { silent: true });
    try {
      const later = new Date(Date.now() + 2 * 86400 * 1000);
      await app.get(LfsCleanupJob).run(later);
      await app.get(StoreSweepJob).run(later);
    } finally {
      await app.close();
    }
    const store = path.join(dataDir, 'objects');
    for (const scratch of ['.tmp', '.multipart', 'git/incoming']) {
      const left = existsSync(path.join(store, scratch)) ? readdirSync(path.join(store, scratch)) : [];
      expect([scratch, left]).toEqual([scratch, []]);
    }
    await start();
    await expectConsistent();
  }, 300_000);

  /** huggingface_hub uploads one LFS-sized file (a few MiB, a fresh name each time) and commits it. */
  async function upload(python: string, repo: string, stop: AbortSignal, extraEnv: Record<string, string>): Promise<void> {
    const f = path.join(dirs.make(), 'blob.bin');
    writeFileSync(f, randomBytes((2 + Math.floor(Math.random() * 6)) * 1024 * 1024));
    const script = `
import sys
from huggingface_hub import HfApi
url, token, repo, path, name = sys.argv[1:6]
HfApi(endpoint=url, token=token).upload_file(path_or_fileobj=path, path_in_repo=name, repo_id=repo)
`;
    await new Promise<void>((resolve, reject) => {
      const child = spawn(python, ['-c', script, url, user.token, repo, f, `blobs/${randomBytes(4).toString('hex')}.bin`], {
        env: { ...process.env, HF_ENDPOINT: url, HF_HUB_DISABLE_TELEMETRY: '1', ...extraEnv },
        stdio: 'ignore',
      });
      stop.addEventListener('abort', () => child.kill('SIGKILL'));
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`upload exited with ${code}`))));
    });
  }

});

interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  oid: string;
  lfs?: { oid: string; size: number };
}

/** `work` over `items`, at most `width` at a time, results in order. */
async function inParallel<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]);
      }
    }),
  );
  return out;
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function gitBlobId(b: Buffer): string {
  return createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
}
