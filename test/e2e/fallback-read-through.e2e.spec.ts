import { createHash, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as http from 'node:http';
import { createUserOverHttp } from '../support/http-accounts';
import { addFallbackSource, startNode, stop, type Node } from '../support/fallback-nodes';
import { waitUntil } from '../support/wait';
import { freshDataDir } from '../support/hangar-process';
import { createTestDatabase, dropTestDatabase } from '../support/postgres';
import { startScriptedServer } from '../support/scripted-server';
import { startTamperingProxy, type TamperingProxy } from '../support/tampering-proxy';
import { ADMIN_TOKEN } from '../support/test-app';

const LFS = 'application/vnd.git-lfs+json';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MiB = 1024 * 1024;
/** The issue's singleflight size: 8 concurrent downloads of it must cost A exactly one transfer. */
const BIG = 100 * MiB;

/** Bytes no compression or dedup can shortcut, made cheaply: a random 1 MiB block, each copy stamped with its index. */
function patternedBytes(size: number): Buffer {
  const block = randomBytes(MiB);
  const out = Buffer.allocUnsafe(size);
  for (let at = 0; at < size; at += MiB) {
    block.copy(out, at, 0, Math.min(MiB, size - at));
    if (size - at >= 8) out.writeDoubleLE(at, at);
  }
  return out;
}

/** A commit on `main` made over HTTP: regular files inline, LFS files uploaded first (batch, PUT, verify). */
async function commitFiles(url: string, token: string, repoId: string, regular: Record<string, Buffer>, lfs: Record<string, Buffer>): Promise<void> {
  for (const bytes of Object.values(lfs)) {
    const batch = await fetch(`${url}/${repoId}.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { Accept: LFS, 'Content-Type': LFS, Authorization: `Basic ${Buffer.from(`git:${token}`).toString('base64')}` },
      body: JSON.stringify({ operation: 'upload', transfers: ['basic'], objects: [{ oid: sha256(bytes), size: bytes.length }] }),
    });
    expect(batch.status).toBe(200);
    const actions = ((await batch.json()) as { objects: { actions?: { upload: { href: string }; verify: { href: string } } }[] }).objects[0].actions;
    if (!actions) continue;
    expect((await fetch(actions.upload.href, { method: 'PUT', body: bytes })).status).toBe(200);
    expect((await fetch(actions.verify.href, { method: 'POST', headers: { 'Content-Type': LFS }, body: JSON.stringify({ oid: sha256(bytes), size: bytes.length }) })).status).toBe(200);
  }
  const lines = [
    { key: 'header', value: { summary: 'files for the fallback test' } },
    ...Object.entries(regular).map(([path, b]) => ({ key: 'file', value: { path, content: b.toString('base64'), encoding: 'base64' } })),
    ...Object.entries(lfs).map(([path, b]) => ({ key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256(b), size: b.length } })),
  ];
  const res = await fetch(`${url}/api/models/${repoId}/commit/main`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson' },
    body: lines.map((l) => JSON.stringify(l)).join('\n'),
  });
  expect(res.status).toBe(200);
}

/** The body's sha256 and length, hashed as it streams (8 concurrent 100 MiB bodies are never held in memory). */
async function downloadDigest(url: string): Promise<{ status: number; sha256: string; length: number }> {
  const res = await fetch(url);
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { status: res.status, sha256: hash.digest('hex'), length };
}

/** The whole body, or the error a cut-short answer raises. */
async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer | null; error: unknown }> {
  const res = await fetch(url, { headers });
  try {
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()), error: null };
  } catch (error) {
    return { status: res.status, headers: res.headers, body: null, error };
  }
}

/**
 * Issue 18 read-through, with real processes: A is the upstream Hangar (behind a proxy that counts
 * and can corrupt what A sends), B1 and B2 are two Hangar nodes on one PostgreSQL and one object
 * store with A as their `hangar` fallback source.
 */
describe('fallback read-through (two real Hangar processes)', () => {
  const dbs: string[] = [];
  const dirs: string[] = [];
  let a: Node;
  let b1: Node;
  let b2: Node;
  let proxy: TamperingProxy;
  let owner: { name: string; token: string };
  let repoId: string;
  let sha: string;
  const files = {
    'config.json': Buffer.from(JSON.stringify({ model_type: 'fallback-test', hidden: 64 })),
    'notes/never.txt': Buffer.from('nobody downloads this file before the upstream goes away\n'),
    'small.txt': randomBytes(3000),
  };
  const lfs = { 'big.bin': patternedBytes(BIG), 'tampered.bin': randomBytes(300 * 1024), 'ranged.bin': randomBytes(2 * MiB), 'left.bin': patternedBytes(32 * MiB), 'stalled.bin': patternedBytes(32 * MiB) };
  const bigSha = sha256(lfs['big.bin']);

  beforeAll(async () => {
    const dbA = await createTestDatabase('fba');
    const dbB = await createTestDatabase('fbb');
    dbs.push(dbA.name, dbB.name);
    const dirA = freshDataDir('hangar-fallback-a-');
    const dirB = freshDataDir('hangar-fallback-b-');
    dirs.push(dirA, dirB);
    a = await startNode(dbA.url, dirA);
    proxy = await startTamperingProxy(a.url);
    // B's nodes share their database and their object store (one directory), as a cluster does.
    const bEnv = { HANGAR_FALLBACK_REF_TTL_SECONDS: '0', HANGAR_FALLBACK_TIMEOUT_SECONDS: '5' };
    b1 = await startNode(dbB.url, dirB, bEnv);
    b2 = await startNode(dbB.url, dirB, bEnv);
    owner = await createUserOverHttp(a.url, ADMIN_TOKEN, 'upstream');
    repoId = `${owner.name}/only-on-a`;
    const created = await fetch(`${a.url}/api/repos/create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'only-on-a', type: 'model' }),
    });
    expect(created.status).toBe(200);
    await commitFiles(a.url, owner.token, repoId, files, lfs);
    sha = ((await (await fetch(`${a.url}/api/models/${repoId}`)).json()) as { sha: string }).sha;
    await addFallbackSource([b1, b2], { url: proxy.url, name: 'upstream A', source_type: 'hangar' });
  }, 240_000);

  afterAll(async () => {
    await Promise.all([a, b1, b2].filter(Boolean).map(stop));
    await proxy?.close();
    for (const d of dbs) await dropTestDatabase(d);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('answers info, tree, paths-info, refs and commits of a repository only on A, pinned to its commit', async () => {
    const info = await fetch(`${b1.url}/api/models/${repoId}`);
    expect(info.status).toBe(200);
    const body = (await info.json()) as { sha: string; siblings: { rfilename: string }[] };
    expect(body.sha).toBe(sha);
    expect(body.siblings.map((s) => s.rfilename)).toEqual(expect.arrayContaining(['big.bin', 'config.json', 'notes/never.txt', 'small.txt', 'tampered.bin']));
    const atMain = (await (await fetch(`${b2.url}/api/models/${repoId}/revision/main`)).json()) as { sha: string };
    expect(atMain.sha).toBe(sha);
    const tree = (await (await fetch(`${b1.url}/api/models/${repoId}/tree/main?recursive=true`)).json()) as { path: string; lfs?: { oid: string } }[];
    expect(tree.find((e) => e.path === 'big.bin')?.lfs?.oid).toBe(bigSha);
    const paths = await fetch(`${b2.url}/api/models/${repoId}/paths-info/main`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'paths=config.json&paths=missing.txt',
    });
    expect(paths.status).toBe(200);
    expect(((await paths.json()) as { path: string }[]).map((e) => e.path)).toEqual(['config.json']);
    const refs = (await (await fetch(`${b1.url}/api/models/${repoId}/refs`)).json()) as { branches: { name: string; targetCommit: string }[] };
    expect(refs.branches).toEqual([expect.objectContaining({ name: 'main', targetCommit: sha })]);
    const commits = (await (await fetch(`${b1.url}/api/models/${repoId}/commits/main`)).json()) as { id: string }[];
    expect(commits[0].id).toBe(sha);
    const missing = await fetch(`${b1.url}/api/models/${owner.name}/not-anywhere`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-error-code')).toBe('RepoNotFound');
  });

  it('serves byte-identical files (regular and LFS, whole and ranged) with the headers of a local file', async () => {
    const head = await fetch(`${b1.url}/${repoId}/resolve/main/big.bin`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-repo-commit')).toBe(sha);
    expect(head.headers.get('x-linked-etag')).toBe(`"${bigSha}"`);
    expect(head.headers.get('x-linked-size')).toBe(String(BIG));
    expect(head.headers.get('x-xet-hash')).toBeNull();
    const config = await download(`${b2.url}/${repoId}/resolve/main/config.json`);
    expect(config.body!.equals(files['config.json'])).toBe(true);
    const ranged = await download(`${b1.url}/${repoId}/resolve/${sha}/small.txt`, { Range: 'bytes=100-199' });
    expect(ranged.status).toBe(206);
    expect(ranged.body!.equals(files['small.txt'].subarray(100, 200))).toBe(true);
  });

  it('fills one uncached 100 MiB file once for 8 concurrent downloads through two nodes', async () => {
    const before = proxy.bytesServed('/resolve/' + sha + '/big.bin');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => downloadDigest(`${(i % 2 ? b2 : b1).url}/${repoId}/resolve/main/big.bin`)));
    expect(results).toEqual(Array.from({ length: 8 }, () => ({ status: 200, sha256: bigSha, length: BIG })));
    expect(proxy.bytesServed('/resolve/' + sha + '/big.bin') - before).toBe(104_857_600);
  }, 120_000);

  it('finishes a fill whose client went away mid-transfer: the next download comes from the cache, A sent the file once', async () => {
    const path = `/resolve/${sha}/left.bin`;
    const before = proxy.bytesServed(path);
    const leaving = new AbortController();
    const res = await fetch(`${b1.url}/${repoId}/resolve/main/left.bin`, { signal: leaving.signal });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.length).toBeGreaterThan(0);
    leaving.abort();
    await reader.read().catch(() => undefined);
    // From the other node: it waits for the fill the first client started, then serves it from the store.
    const whole = await downloadDigest(`${b2.url}/${repoId}/resolve/main/left.bin`);
    expect(whole).toEqual({ status: 200, sha256: sha256(lfs['left.bin']), length: 32 * MiB });
    expect(proxy.bytesServed(path) - before).toBe(32 * MiB);
  });

  it('cuts off a client that stops reading mid-fill (after the fallback timeout) and finishes the fill for the others', async () => {
    const path = `/resolve/${sha}/stalled.bin`;
    const before = proxy.bytesServed(path);
    // Reads its first bytes, then nothing more, with its connection open.
    const stalled = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get(`${b1.url}/${repoId}/resolve/main/stalled.bin`, (res) => res.once('data', () => (res.pause(), resolve(res)))).on('error', reject);
    });
    const other = await downloadDigest(`${b2.url}/${repoId}/resolve/main/stalled.bin`);
    expect(other).toEqual({ status: 200, sha256: sha256(lfs['stalled.bin']), length: 32 * MiB });
    // Reading again, the stalled client finds its answer cut short (a paused socket sees no close until then).
    const cut = new Promise<boolean>((resolve) => stalled.on('close', () => resolve(!stalled.complete)));
    stalled.on('error', () => undefined).resume();
    expect(await cut).toBe(true);
    expect(proxy.bytesServed(path) - before).toBe(32 * MiB);
  }, 60_000);

  it('answers a range of an uncached file from the upstream without waiting for the whole file, and still fills it once', async () => {
    const path = `/resolve/${sha}/ranged.bin`;
    const before = proxy.bytesServed(path);
    const ranged = await download(`${b1.url}/${repoId}/resolve/main/ranged.bin`, { Range: 'bytes=1000-1999' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${2 * MiB}`);
    expect(ranged.body!.equals(lfs['ranged.bin'].subarray(1000, 2000))).toBe(true);
    // The whole file, from the other node: from the fill the range started (A sent the range, then the file once).
    const whole = await download(`${b2.url}/${repoId}/resolve/main/ranged.bin`);
    expect(sha256(whole.body!)).toBe(sha256(lfs['ranged.bin']));
    const again = await download(`${b1.url}/${repoId}/resolve/main/ranged.bin`, { Range: 'bytes=5-9' });
    expect([again.status, again.body!.equals(lfs['ranged.bin'].subarray(5, 10))]).toEqual([206, true]);
    expect(proxy.bytesServed(path) - before).toBe(1000 + 2 * MiB);
  });

  it('refuses a tampered upstream answer and does not cache it', async () => {
    proxy.tamper = '/tampered.bin';
    const bad = await download(`${b1.url}/${repoId}/resolve/main/tampered.bin`);
    const complete = bad.body !== null && bad.body.length === lfs['tampered.bin'].length;
    expect(complete).toBe(false);
    proxy.tamper = null;
    const requestsBefore = proxy.requests('/tampered.bin');
    const good = await download(`${b2.url}/${repoId}/resolve/main/tampered.bin`);
    expect(sha256(good.body!)).toBe(sha256(lfs['tampered.bin']));
    // Nothing was cached from the corrupt answer: the good one came from A again.
    expect(proxy.requests('/tampered.bin')).toBe(requestsBefore + 1);
  });

  it('reads a private upstream repository only for the user whose external token grants it, and never from the cache for another', async () => {
    const created = await fetch(`${a.url}/api/repos/create`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${owner.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'secret', type: 'model', private: true }),
    });
    expect(created.status).toBe(200);
    const secretId = `${owner.name}/secret`;
    const secret = Buffer.from('for the owner of the upstream token only\n');
    await commitFiles(a.url, owner.token, secretId, { 'secret.txt': secret }, {});
    const bob = await createUserOverHttp(b1.url, ADMIN_TOKEN, 'bob');
    const carol = await createUserOverHttp(b1.url, ADMIN_TOKEN, 'carol');
    const as = (token: string) => ({ Authorization: `Bearer ${token}` });
    const saved = await fetch(`${b1.url}/api/users/${bob.name}/external-tokens`, {
      method: 'POST',
      headers: { ...as(bob.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: proxy.url + '/', token: owner.token }),
    });
    expect(saved.status).toBe(200);
    const listed = (await (await fetch(`${b2.url}/api/users/${bob.name}/external-tokens`, { headers: as(bob.token) })).json()) as { url: string; token_preview: string }[];
    expect(listed).toEqual([expect.objectContaining({ url: proxy.url })]);
    expect(listed[0].token_preview).not.toContain(owner.token);
    expect((await fetch(`${b1.url}/api/users/${bob.name}/external-tokens`, { headers: as(carol.token) })).status).toBe(403);

    const bobFile = await download(`${b1.url}/${secretId}/resolve/main/secret.txt`, as(bob.token));
    expect(bobFile.status).toBe(200);
    expect(bobFile.body!.equals(secret)).toBe(true);
    expect((await fetch(`${b2.url}/api/models/${secretId}`, { headers: as(bob.token) })).status).toBe(200);
    // Carol, signed in, and an anonymous caller: the repository does not exist for them, cached or not.
    for (const url of [`${b2.url}/api/models/${secretId}`, `${b1.url}/${secretId}/resolve/main/secret.txt`, `${b1.url}/api/models/${secretId}/tree/main`]) {
      const carolSees = await fetch(url, { headers: as(carol.token) });
      expect([carolSees.status, carolSees.headers.get('x-error-code')]).toEqual([404, 'RepoNotFound']);
      const anonSees = await fetch(url);
      expect([anonSees.status, anonSees.headers.get('x-error-code')]).toEqual([401, 'RepoNotFound']);
    }
    // The token in the request header wins, for a signed-in or an anonymous caller.
    const carolWithHeader = await download(`${b2.url}/${secretId}/resolve/main/secret.txt`, { Authorization: `Bearer ${carol.token}|${proxy.url},${owner.token}` });
    expect(carolWithHeader.body?.equals(secret)).toBe(true);
    const anonWithHeader = await fetch(`${b1.url}/api/models/${secretId}`, { headers: { Authorization: `Bearer |${proxy.url},${owner.token}` } });
    expect(anonWithHeader.status).toBe(200);
    expect((await fetch(`${b1.url}/api/models/${secretId}`, { headers: as(carol.token) })).status).toBe(404);

    // Bulk replace is the whole new set; once Bob's token for A is gone, so is his access.
    const bulk = await fetch(`${b1.url}/api/users/${bob.name}/external-tokens/bulk`, {
      method: 'PUT',
      headers: { ...as(bob.token), 'Content-Type': 'application/json' },
      body: JSON.stringify({ tokens: [{ url: 'https://other-hub.example', token: 'other-token-0123456789' }] }),
    });
    expect(bulk.status).toBe(200);
    const after = (await (await fetch(`${b1.url}/api/users/${bob.name}/external-tokens`, { headers: as(bob.token) })).json()) as { url: string }[];
    expect(after.map((t) => t.url)).toEqual(['https://other-hub.example']);
    expect((await fetch(`${b1.url}/api/models/${secretId}`, { headers: as(bob.token) })).status).toBe(404);
    const deleted = await fetch(`${b1.url}/api/users/${bob.name}/external-tokens/${encodeURIComponent('https://other-hub.example')}`, { method: 'DELETE', headers: as(bob.token) });
    expect(deleted.status).toBe(200);
    expect(await (await fetch(`${b1.url}/api/users/${bob.name}/external-tokens`, { headers: as(bob.token) })).json()).toEqual([]);
  });

  it('retries an upstream that fails a few times, and answers from a source that keeps failing with a 502 naming it, at once once its circuit is open', async () => {
    // A's answer to the ref resolution comes after two 503s: one request to B, three to A.
    const refPath = `/api/models/${repoId}/revision/main`;
    const before = proxy.requests(refPath);
    proxy.failNext(refPath, 2, 503);
    const info = await fetch(`${b1.url}${refPath}`);
    expect(info.status).toBe(200);
    expect(((await info.json()) as { sha: string }).sha).toBe(sha);
    expect(proxy.requests(refPath) - before).toBe(3);

    // A source (for one namespace) that always answers 503.
    const dead = await startScriptedServer((_n, _req, res) => res.writeHead(503).end('down for good'));
    const sourceId = await addFallbackSource([b1], { url: dead.url, name: 'always down', source_type: 'huggingface', namespace: 'flaky-ns' });
    try {
      const repoPath = '/api/models/flaky-ns/anything';
      let failedFast: Response | null = null;
      for (let i = 0; i < 4 && !failedFast; i++) {
        const hitsBefore = dead.hits(repoPath);
        const r = await fetch(`${b1.url}${repoPath}`);
        expect([r.status, r.headers.get('x-error-code')]).toEqual([502, 'UpstreamUnavailable']);
        expect(r.headers.get('x-error-message')).toContain('"always down"');
        if (dead.hits(repoPath) === hitsBefore) failedFast = r;
        // Until the circuit opens, each request costs the source exactly the attempt cap.
        else expect(dead.hits(repoPath) - hitsBefore).toBe(3);
      }
      expect(failedFast?.headers.get('x-error-message')).toMatch(/failing fast after repeated failures/);
    } finally {
      await fetch(`${b1.url}/admin/api/fallback-sources/${sourceId}`, { method: 'DELETE', headers: { 'X-Admin-Token': ADMIN_TOKEN } });
      await dead.close();
    }
    for (const node of [b1, b2]) {
      await waitUntil(async () => ((await (await fetch(`${node.url}/health/ready`)).json()) as { fallback_sources?: unknown[] }).fallback_sources?.length === 1);
    }
  });

  it('keeps serving what it fetched when A is down, and says so for a never-fetched file', async () => {
    const ready = (await (await fetch(`${b1.url}/health/ready`)).json()) as { status: string; fallback_sources: unknown[] };
    expect(ready).toMatchObject({ status: 'ok', fallback_sources: [{ name: 'upstream A', url: proxy.url, status: 'ok' }] });
    await stop(a);
    // Readiness stays 200: B is degraded (its source is down), not down.
    await waitUntil(async () => {
      const r = await fetch(`${b2.url}/health/ready`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { status: string; fallback_sources: { status: string }[] };
      return body.status === 'degraded' && body.fallback_sources[0].status === 'unreachable';
    });
    const info = await fetch(`${b2.url}/api/models/${repoId}`);
    expect(info.status).toBe(200);
    expect(info.headers.get('warning')).toMatch(/stale/i);
    expect(((await info.json()) as { sha: string }).sha).toBe(sha);
    const tree = await fetch(`${b1.url}/api/models/${repoId}/tree/main?recursive=true`);
    expect(tree.status).toBe(200);
    const big = await downloadDigest(`${b1.url}/${repoId}/resolve/main/big.bin`);
    expect(big).toEqual({ status: 200, sha256: bigSha, length: BIG });
    const config = await download(`${b2.url}/${repoId}/resolve/${sha}/config.json`);
    expect(config.body!.equals(files['config.json'])).toBe(true);
    const never = await fetch(`${b1.url}/${repoId}/resolve/main/notes/never.txt`);
    expect([502, 504]).toContain(never.status);
    expect(never.headers.get('x-error-code')).toBe('UpstreamUnavailable');
    expect(never.headers.get('x-error-message')).toContain('"upstream A"');
  });
});
