import { commit as jsCommit, downloadFile } from '@huggingface/hub';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { uniqueName } from '../support/accounts';
import { createUserOverHttp } from '../support/http-accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { startHangarCluster, type HangarCluster } from '../support/hangar-cluster';
import { MAIN } from '../support/hangar-process';
import { file, header, ndjson } from '../support/repos';
import { PYTHON } from '../support/xet-vectors';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';
import { startTestApp, type TestApp } from '../support/test-app';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { INCOMING_PREFIX } from '../../src/git/engine/object-database';
import { StoreSweepJob } from '../../src/git/engine/store-sweep.job';

/**
 * Two Hangar processes on one PostgreSQL and one S3 (moto) behind a round-robin proxy, driven by
 * the real clients through the proxy, so that consecutive calls of one operation land on
 * different nodes: what one node wrote, cached or signed must work on the other.
 */
describe('two nodes behind a load balancer', () => {
  let c: HangarCluster;
  let user: { name: string; token: string };
  const dirs = scratchDirs('hangar-cluster-');

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('dist/src/main.js is missing: run `npx nest build` first (npm test does)');
    c = await startHangarCluster(2);
    user = await createUserOverHttp(c.url, c.adminToken, 'node');
  }, 240_000);
  afterAll(async () => {
    dirs.cleanup();
    await c?.close();
  }, 60_000);

  const auth = () => ({ Authorization: `Bearer ${user.token}` });

  async function newRepo(name = uniqueName('r')): Promise<string> {
    const res = await fetch(`${c.url}/api/repos/create`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify({ name, type: 'model' }) });
    expect([res.status, await res.text()]).toEqual([200, expect.any(String)]);
    return `${user.name}/${name}`;
  }

  function ndjsonCommit(base: string, id: string, body: string, revision = 'main'): Promise<Response> {
    return fetch(`${base}/api/models/${id}/commit/${encodeURIComponent(revision)}`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/x-ndjson' }, body });
  }

  it('spreads the requests over both nodes', async () => {
    const before = [...c.proxy.served];
    for (let i = 0; i < 4; i++) expect((await fetch(`${c.url}/api/whoami-v2`, { headers: auth() })).status).toBe(200);
    expect(c.proxy.served.map((n, i) => n - before[i])).toEqual([2, 2]);
  });

  it('huggingface_hub uploads a small file and a large one (Xet) and downloads both with the same bytes', async () => {
    const dir = dirs.make();
    const big = path.join(dir, 'big.bin');
    const bytes = randomBytes(11 * 1024 * 1024);
    writeFileSync(big, bytes);
    const script = `
import hashlib, json, sys
from huggingface_hub import HfApi, hf_hub_download
url, token, big, cache = sys.argv[1:5]
api = HfApi(endpoint=url, token=token)
repo = api.create_repo("${uniqueName('py')}").repo_id
api.upload_file(path_or_fileobj=b"small\\n", path_in_repo="small.txt", repo_id=repo)
api.upload_file(path_or_fileobj=big, path_in_repo="weights/big.bin", repo_id=repo)
out = {}
for name in ["small.txt", "weights/big.bin"]:
    local = hf_hub_download(repo, name, endpoint=url, token=token, cache_dir=cache)
    out[name] = hashlib.sha256(open(local, "rb").read()).hexdigest()
out["xet"] = api.get_paths_info(repo, ["weights/big.bin"])[0].xet_hash is not None
print(json.dumps(out))
`;
    // Not spawnSync: the proxy runs in this process and must keep serving.
    const r = await runPython(['-c', script, c.url, user.token, big, path.join(dir, 'cache')]);
    if (r.status !== 0) throw new Error(`huggingface_hub flow failed (${r.status}):\n${r.stderr.slice(-4000)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out).toEqual({ 'small.txt': sha256(Buffer.from('small\n')), 'weights/big.bin': sha256(bytes), xet: true });
  }, 200_000);

  it('@huggingface/hub commits a small and an LFS file and downloads them', async () => {
    const id = await newRepo();
    const big = randomBytes(11 * 1024 * 1024);
    await jsCommit({
      repo: { type: 'model', name: id },
      accessToken: user.token,
      hubUrl: c.url,
      title: 'from the JS client',
      useXet: false,
      operations: [
        { operation: 'addOrUpdate', path: 'a.txt', content: new Blob(['js\n']) },
        { operation: 'addOrUpdate', path: 'big.bin', content: new Blob([big]) },
      ],
    });
    for (const [p, want] of [['a.txt', Buffer.from('js\n')], ['big.bin', big]] as const) {
      const blob = await downloadFile({ repo: { type: 'model', name: id }, path: p, accessToken: user.token, hubUrl: c.url });
      expect(sha256(Buffer.from(await blob!.arrayBuffer()))).toBe(sha256(want));
    }
  }, 120_000);

  it('git pushes and clones through the proxy; the clone is complete (fsck --full --strict)', async () => {
    const id = await newRepo();
    const remote = gitUrl(c.url, id, { user: user.name, token: user.token });
    const work = path.join(dirs.make(), 'work');
    expect((await runGit(['clone', '-q', remote, work])).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      writeFileSync(path.join(work, `f${i}.txt`), `push ${i}\n`);
      await git(work, 'add', '.');
      await git(work, 'commit', '-qm', `push ${i}`);
      const pushed = await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
      expect([pushed.code, pushed.stderr]).toEqual([0, '']);
    }
    const head = (await git(work, 'rev-parse', 'HEAD')).trim();
    const fresh = path.join(dirs.make(), 'fresh');
    expect((await runGit(['clone', '-q', remote, fresh])).code).toBe(0);
    expect((await git(fresh, 'rev-parse', 'HEAD')).trim()).toBe(head);
    expect(readFileSync(path.join(fresh, 'f2.txt'), 'utf8')).toBe('push 2\n');
    const fsck = await runGit(['fsck', '--full', '--strict'], { cwd: fresh });
    expect([fsck.code, fsck.stderr]).toEqual([0, '']);
  }, 120_000);

  it('lands every commit of a race across both nodes', async () => {
    const id = await newRepo();
    const N = 12;
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) => ndjsonCommit(c.url, id, ndjson([header(`racer ${i}`), file(`race/${i}.txt`, `${i}\n`)]))),
    );
    const oids = await Promise.all(answers.map(async (a) => [a.status, ((await a.json()) as { commitOid?: string }).commitOid]));
    expect(oids.map(([s]) => s)).toEqual(Array(N).fill(200));
    const history = (await (await fetch(`${c.url}/api/models/${id}/commits/main`, { headers: auth() })).json()) as { id: string }[];
    expect(new Set(history.map((h) => h.id))).toEqual(expect.objectContaining({ size: N + 1 }));
    for (const [, oid] of oids) expect(history.map((h) => h.id)).toContain(oid);
    const tree = (await (await fetch(`${c.url}/api/models/${id}/tree/main/race`, { headers: auth() })).json()) as { path: string }[];
    expect(tree.map((e) => e.path).sort()).toEqual(Array.from({ length: N }, (_, i) => `race/${i}.txt`).sort());
  }, 120_000);

  it('sees a branch created and moved on node A on node B at once', async () => {
    const [a, b] = c.nodes.map((n) => n.url);
    const id = await newRepo();
    const created = await fetch(`${a}/api/models/${id}/branch/feature`, { method: 'POST', headers: auth() });
    expect(created.status).toBe(200);
    const refs = (await (await fetch(`${b}/api/models/${id}/refs`, { headers: auth() })).json()) as { branches: { name: string }[] };
    expect(refs.branches.map((x) => x.name)).toContain('feature');
    for (let i = 0; i < 4; i++) {
      // Node B reads first (whatever it caches), then A moves the branch, then B reads again.
      await fetch(`${b}/${id}/resolve/feature/v.txt`, { method: 'HEAD', headers: auth() });
      const moved = await ndjsonCommit(a, id, ndjson([header(`v${i}`), file('v.txt', `${i}\n`)]), 'feature');
      const oid = ((await moved.json()) as { commitOid: string }).commitOid;
      const seen = await fetch(`${b}/${id}/resolve/feature/v.txt`, { headers: auth() });
      expect([seen.status, seen.headers.get('x-repo-commit'), await seen.text()]).toEqual([200, oid, `${i}\n`]);
    }
  }, 60_000);

  it('reads a commit made on either node on the other at once: resolve, info, tree, paths-info and a clone', async () => {
    const id = await newRepo();
    const remoteOf = (base: string) => gitUrl(base, id, { user: user.name, token: user.token });
    for (let i = 0; i < 4; i++) {
      // Alternate the writer; the reader has just read the previous commit (warm caches).
      const [writer, reader] = i % 2 === 0 ? [c.nodes[0].url, c.nodes[1].url] : [c.nodes[1].url, c.nodes[0].url];
      if (i > 0) {
        expect((await fetch(`${reader}/api/models/${id}/tree/main/d`, { headers: auth() })).status).toBe(200);
        expect((await fetch(`${reader}/${id}/resolve/main/d/latest.txt`, { method: 'HEAD', headers: auth() })).status).toBe(200);
      }
      const made = await ndjsonCommit(writer, id, ndjson([header(`step ${i}`), file('d/latest.txt', `step ${i}\n`), file(`d/f${i}.txt`, `${i}\n`)]));
      expect(made.status).toBe(200);
      const oid = ((await made.json()) as { commitOid: string }).commitOid;

      const got = await fetch(`${reader}/${id}/resolve/main/d/latest.txt`, { headers: auth() });
      expect([got.status, got.headers.get('x-repo-commit'), await got.text()]).toEqual([200, oid, `step ${i}\n`]);
      const info = (await (await fetch(`${reader}/api/models/${id}`, { headers: auth() })).json()) as { sha: string; siblings: { rfilename: string }[] };
      expect(info.sha).toBe(oid);
      expect(info.siblings.map((s) => s.rfilename)).toContain(`d/f${i}.txt`);
      const tree = (await (await fetch(`${reader}/api/models/${id}/tree/main/d`, { headers: auth() })).json()) as { path: string }[];
      expect(tree.map((e) => e.path).sort()).toEqual(['d/latest.txt', ...Array.from({ length: i + 1 }, (_, k) => `d/f${k}.txt`)].sort());
      const pathsInfo = await fetch(`${reader}/api/models/${id}/paths-info/main`, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ paths: [`d/f${i}.txt`] }),
      });
      expect(((await pathsInfo.json()) as { path: string }[]).map((e) => e.path)).toEqual([`d/f${i}.txt`]);

      const work = dirs.make();
      expect((await runGit(['clone', '-q', '--depth', '1', remoteOf(reader), work])).code).toBe(0);
      expect((await git(work, 'rev-parse', 'HEAD')).trim()).toBe(oid);
      expect(readFileSync(path.join(work, 'd', 'latest.txt'), 'utf8')).toBe(`step ${i}\n`);
    }
  }, 120_000);
});

/**
 * Scheduled jobs fire on every node at the same minute; the cluster lock makes the work happen
 * once. Here both nodes (in this process, one database and one S3 bucket) fire the crash-leftover
 * sweep at the same moment: every leftover is removed, and counted by exactly one node.
 */
describe('scheduled jobs on two nodes', () => {
  let moto: MotoServer;
  let t: TestApp;
  let peer: Awaited<ReturnType<TestApp['startPeer']>>;
  beforeAll(async () => {
    moto = await startMoto();
    t = await startTestApp(s3EnvFor(moto.endpoint, `sweep-${process.pid}`));
    peer = await t.startPeer();
  });
  afterAll(async () => {
    await peer?.close();
    await t?.close();
    await moto?.stop();
  });

  it('runs the sweep once per cluster when both nodes fire it together', async () => {
    const store = t.app.get<ObjectStore>(OBJECT_STORE);
    const leftovers = Array.from({ length: 20 }, (_, i) => `${INCOMING_PREFIX}crashed-push-${i}`);
    for (const key of leftovers) await store.put(key, Buffer.from(`half a blob ${key}`));
    const later = new Date(Date.now() + (t.config.maintenance.sweepGraceSeconds + 60) * 1000);
    const results = await Promise.all([t.app.get(StoreSweepJob).sweepScratch(later), peer.app.get(StoreSweepJob).sweepScratch(later)]);
    expect(results.map((r) => r.incoming).reduce((a, b) => a + b)).toBe(leftovers.length);
    for (const key of leftovers) expect(await store.head(key)).toBeNull();
  });
});

function runPython(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { env: { ...process.env, HF_HUB_DISABLE_TELEMETRY: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
