import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { downloadFile, fileDownloadInfo } from '@huggingface/hub';
import { decodeXorbChunks, hashToHex } from '../../src/xet/codec';
import { XetReconstructionService } from '../../src/xet/reconstructions/reconstruction.service';
import { XetTokenService } from '../../src/xet/tokens/xet-token.service';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { git, gitUrl, runGit, scratchDirs } from '../support/git-cli';
import { commit, createRepo, file, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';
import { repoIdOf, seedXetFile, type SeededXetFile } from '../support/xet-seed';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';
import { PYTHON, XET_HELPER } from '../support/xet-vectors';

/**
 * Downloads of LFS files stored as Xet (seeded straight into the tables and the object store, then
 * committed through the HF commit API): resolve streams the reassembled bytes (whole, ranges) and
 * advertises the Xet hash and the read-token route; the CAS reconstructions (v1, v2) point at
 * signed xorb URLs whose bytes rebuild the file; access follows the token's repository; trees
 * carry xetHash; @huggingface/hub, hf_xet, huggingface_hub and git-lfs all get the same bytes.
 */

const MiB = 1024 * 1024;
const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** ~3.6 MiB with repeats (dedup inside the file) and runs of zeros (one chunk used many times). */
function sampleData(): Buffer {
  const a = randomBytes(1_500_000);
  return Buffer.concat([a, randomBytes(600_000), a.subarray(0, 700_000), Buffer.alloc(400_000), randomBytes(555_555)]);
}

interface Recon {
  offset_into_first_range: number;
  terms: Array<{ hash: string; unpacked_length: number; range: { start: number; end: number } }>;
  fetch_info?: Record<string, Array<{ range: { start: number; end: number }; url: string; url_range: { start: number; end: number } }>>;
  xorbs?: Record<string, Array<{ url: string; ranges: Array<{ chunks: { start: number; end: number }; bytes: { start: number; end: number } }> }>>;
}

/** Follows a reconstruction like a client: GET every fetch range with its Range, decode, assemble the terms. */
async function rebuild(r: Recon, length: number): Promise<Buffer> {
  const chunks = new Map<string, Uint8Array>(); // `${xorb}:${index}` -> data
  const fetches: Array<{ xorb: string; url: string; chunkStart: number; bytes: { start: number; end: number } }> = [];
  for (const [xorb, list] of Object.entries(r.fetch_info ?? {})) for (const f of list) fetches.push({ xorb, url: f.url, chunkStart: f.range.start, bytes: f.url_range });
  for (const [xorb, list] of Object.entries(r.xorbs ?? {})) {
    for (const e of list) {
      expect(e.ranges).toHaveLength(1); // one range per URL: the stores answer single ranges only
      fetches.push({ xorb, url: e.url, chunkStart: e.ranges[0].chunks.start, bytes: e.ranges[0].bytes });
    }
  }
  for (const f of fetches) {
    const res = await fetch(f.url, { headers: { Range: `bytes=${f.bytes.start}-${f.bytes.end}` } });
    expect(res.status).toBe(206);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(f.bytes.end - f.bytes.start + 1);
    decodeXorbChunks(body).forEach((c, i) => chunks.set(`${f.xorb}:${f.chunkStart + i}`, c));
  }
  const parts: Uint8Array[] = [];
  for (const t of r.terms) {
    let n = 0;
    for (let i = t.range.start; i < t.range.end; i++) {
      const c = chunks.get(`${t.hash}:${i}`);
      if (!c) throw new Error(`chunk ${i} of ${t.hash} was not fetched`);
      parts.push(c);
      n += c.length;
    }
    expect(n).toBe(t.unpacked_length);
  }
  return Buffer.concat(parts).subarray(r.offset_into_first_range, r.offset_into_first_range + length);
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Xet-stored LFS files download through resolve, the CAS reconstructions and every client', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let pub: string;
  let priv: string;
  let seeded: SeededXetFile;
  let secret: SeededXetFile;
  const dirs = scratchDirs('hangar-xet-dl-');

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    pub = `${alice.username}/${uniqueName('xet')}`;
    priv = `${alice.username}/${uniqueName('xet-priv')}`;
    await createRepo(t, alice.token, pub.split('/')[1]).expect(200);
    await createRepo(t, alice.token, priv.split('/')[1], { private: true }).expect(200);
    await commit(t, alice.token, pub, [header('readme'), file('README.md', '# xet\n')]).expect(200);
    seeded = await seedXetFile(t, pub, 'weights/model.bin', sampleData(), { commitToken: alice.token, chunksPerXorb: 7 });
    secret = await seedXetFile(t, priv, 'secret.bin', randomBytes(700_000), { commitToken: alice.token });
  });

  afterAll(async () => {
    dirs.cleanup();
    await t?.close();
  });

  const auth = (u: TestUser | null) => (u ? { Authorization: `Bearer ${u.token}` } : ({} as Record<string, string>));
  const readToken = async (u: TestUser | null, repo: string, rev = 'main') =>
    (await t.http().get(`/api/models/${repo}/xet-read-token/${rev}`).set(auth(u)).expect(200)).body as { accessToken: string; casUrl: string; exp: number };
  /** Counts the reconstructions served (the service runs as usual). */
  const reconstructionCalls = () => {
    const service = t.app.get(XetReconstructionService);
    const v1 = jest.spyOn(service, 'v1');
    const v2 = jest.spyOn(service, 'v2');
    return {
      get v1() {
        return v1.mock.calls.length;
      },
      get v2() {
        return v2.mock.calls.length;
      },
      restore() {
        v1.mockRestore();
        v2.mockRestore();
      },
    };
  };
  const recon = (version: 1 | 2, token: string, hash: string, range?: string) => {
    const req = t.http().get(`/v${version}/reconstructions/${hash}`).set('Authorization', `Bearer ${token}`);
    return range ? req.set('Range', range) : req;
  };

  it('seeds a committed LFS file whose bytes exist only as several xorbs, with repeated chunks', async () => {
    expect(seeded.xorbs.length).toBeGreaterThan(3);
    // Some chunk serves the file more than once (the repeated block, the zeros).
    const uses = new Map<string, number>();
    for (const term of seeded.terms) {
      for (let i = term.chunkIndexStart; i < term.chunkIndexEnd; i++) {
        const key = `${hashToHex(term.xorbHash)}:${i}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    expect(Math.max(...uses.values())).toBeGreaterThan(1);
    const row = await t.db.query(`SELECT storage_key, xet_hash FROM lfs_objects WHERE oid = $1`, [seeded.sha256]);
    expect(row.rows[0]).toEqual({ storage_key: null, xet_hash: seeded.xetHash });
  });

  it('resolve streams the reassembled file, and byte ranges of it (start, across xorbs and chunks, suffix)', async () => {
    const url = `/${pub}/resolve/main/${seeded.path}`;
    const whole = await t.http().get(url).buffer(true).parse((res, cb) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => cb(null, Buffer.concat(parts)));
    });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(seeded.data.length));
    expect(sha256(whole.body as Buffer)).toBe(seeded.sha256);

    // The first xorb's end in the file: a range around it crosses xorbs (and chunks).
    const firstXorbEnd = seeded.terms[0].unpackedSegmentBytes;
    const L = seeded.data.length;
    const ranges: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 100],
      [`bytes=${firstXorbEnd - 1000}-${firstXorbEnd + 999}`, firstXorbEnd - 1000, firstXorbEnd + 1000],
      ['bytes=1000000-2999999', 1_000_000, 3_000_000],
      ['bytes=-100', L - 100, L],
      [`bytes=${L - 10}-`, L - 10, L],
    ];
    for (const [header, start, end] of ranges) {
      const res = await t.http().get(url).set('Range', header).buffer(true).parse((r, cb) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => cb(null, Buffer.concat(parts)));
      });
      expect({ header, status: res.status, range: res.headers['content-range'] }).toEqual({ header, status: 206, range: `bytes ${start}-${end - 1}/${L}` });
      expect({ header, same: (res.body as Buffer).equals(seeded.data.subarray(start, end)) }).toEqual({ header, same: true });
    }
    const past = await t.http().get(url).set('Range', `bytes=${L}-`);
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${L}`);
  });

  it('HEAD and GET on resolve send X-Xet-Hash and the xet-auth link (pinned to the commit) beside the LFS headers', async () => {
    const res = await t.http().head(`/${pub}/resolve/main/${seeded.path}`).expect(200);
    const base = t.baseUrl;
    expect(res.headers['x-xet-hash']).toBe(seeded.xetHash);
    expect(res.headers['link']).toBe(
      `<${base}/api/models/${pub}/xet-read-token/${seeded.commitOid}>; rel="xet-auth", <${base}/v1/reconstructions/${seeded.xetHash}>; rel="xet-reconstruction-info"`,
    );
    expect(res.headers['x-linked-size']).toBe(String(seeded.data.length));
    expect(res.headers['x-linked-etag']).toBe(`"${seeded.sha256}"`);
    expect(res.headers['etag']).toBe(`"${seeded.sha256}"`);
    expect(res.headers['x-repo-commit']).toBe(seeded.commitOid);
    expect(res.headers['content-length']).toBe(String(seeded.data.length));
    expect(res.headers['access-control-expose-headers']).toEqual(expect.stringContaining('X-Xet-Hash'));
    expect(res.headers['access-control-expose-headers'].split(', ')).toContain('Link');

    // A regular file has none of it.
    const plain = await t.http().head(`/${pub}/resolve/main/README.md`).expect(200);
    expect(plain.headers['x-xet-hash']).toBeUndefined();
    expect(plain.headers['link']).toBeUndefined();
  });

  it('datasets: the xet-auth link names the dataset route, and the token it gives reads the file', async () => {
    const ds = `${alice.username}/${uniqueName('xet-ds')}`;
    await createRepo(t, alice.token, ds.split('/')[1], { type: 'dataset' }).expect(200);
    const f = await seedXetFile(t, ds, 'data.parquet', randomBytes(300_000), { commitToken: alice.token, repoType: 'datasets' });
    const res = await t.http().head(`/datasets/${ds}/resolve/main/${f.path}`).expect(200);
    const link = /<([^>]+)>; rel="xet-auth"/.exec(res.headers['link'])![1];
    expect(link).toBe(`${t.baseUrl}/api/datasets/${ds}/xet-read-token/${f.commitOid}`);
    const token = (await fetch(link)).headers.get('x-xet-access-token')!;
    const r = await recon(2, token, f.xetHash).expect(200);
    expect(sha256(await rebuild(r.body, f.data.length))).toBe(f.sha256);
  });

  it('reconstructions v1 and v2, whole and ranged, point at signed xorb ranges that rebuild the bytes', async () => {
    const link = /<([^>]+)>; rel="xet-auth"/.exec((await t.http().head(`/${pub}/resolve/main/${seeded.path}`)).headers['link'])![1];
    const tokenRes = await fetch(link);
    expect(tokenRes.status).toBe(200);
    const token = tokenRes.headers.get('x-xet-access-token')!;
    expect(tokenRes.headers.get('x-xet-cas-url')).toBe(t.baseUrl);
    const L = seeded.data.length;
    for (const version of [1, 2] as const) {
      const whole = await recon(version, token, seeded.xetHash).expect(200);
      expect(whole.headers['cache-control']).toBe('no-store');
      expect(whole.body.offset_into_first_range).toBe(0);
      expect(Object.keys(version === 1 ? whole.body.fetch_info : whole.body.xorbs).sort()).toEqual([...new Set(seeded.xorbs.map((x) => x.hashHex))].sort());
      expect(sha256(await rebuild(whole.body, L))).toBe(seeded.sha256);

      for (const [start, end] of [
        [0, 1],
        [123_457, 2_345_679],
        [L - 100, L],
      ]) {
        const r = await recon(version, token, seeded.xetHash, `bytes=${start}-${end - 1}`).expect(200);
        const got = await rebuild(r.body, end - start);
        expect({ version, start, same: got.equals(seeded.data.subarray(start, end)) }).toEqual({ version, start, same: true });
      }
      // Past the end: clamped; start past the end: 416; malformed: 400.
      const tail = await recon(version, token, seeded.xetHash, `bytes=${L - 5}-${L + 1000}`).expect(200);
      expect((await rebuild(tail.body, 5)).equals(seeded.data.subarray(L - 5))).toBe(true);
      await recon(version, token, seeded.xetHash, `bytes=${L}-${L + 10}`).expect(416);
      await recon(version, token, seeded.xetHash, 'bytes=5-1').expect(400);
      await recon(version, token, 'not-a-hash').expect(400);
    }
  });

  it('a write token reads too; an upload not committed yet is visible to write tokens only', async () => {
    const write = (await t.http().get(`/api/models/${pub}/xet-write-token/main`).set(auth(alice)).expect(200)).body.accessToken as string;
    await recon(2, write, seeded.xetHash).expect(200);
    const pending = await seedXetFile(t, pub, 'pending.bin', randomBytes(200_000), { commitToken: alice.token, commit: false });
    await recon(2, write, pending.xetHash).expect(200);
    await recon(1, (await readToken(alice, pub)).accessToken, pending.xetHash).expect(404);
  });

  it('access follows the token’s repository: private repos, other repositories, unknown hashes; bad tokens are 401', async () => {
    // A stranger or anonymous caller gets no read token for the private repository (hidden:
    // 404 RepoNotFound, 401 RepoNotFound when anonymous).
    await t.http().get(`/api/models/${priv}/xet-read-token/main`).set(auth(bob)).expect(404);
    await t.http().get(`/api/models/${priv}/xet-read-token/main`).expect(401).expect('X-Error-Code', 'RepoNotFound');
    const own = await readToken(alice, priv);
    await recon(2, own.accessToken, secret.xetHash).expect(200);
    // A token of another repository (bob's, or alice's public one) does not open the private file.
    const bobs = `${bob.username}/${uniqueName('other')}`;
    await createRepo(t, bob.token, bobs.split('/')[1]).expect(200);
    const other = await readToken(bob, bobs);
    const r = await recon(2, other.accessToken, secret.xetHash).expect(404);
    expect(r.headers['x-error-code']).toBe('XetFileNotFound');
    await recon(1, (await readToken(alice, pub)).accessToken, secret.xetHash).expect(404);
    // Unknown hash: the same answer.
    const unknown = await recon(2, own.accessToken, 'ab'.repeat(32)).expect(404);
    expect(unknown.body).toEqual(r.body);
    // Anonymous read token of the public repo works.
    await recon(2, (await readToken(null, pub)).accessToken, seeded.xetHash).expect(200);

    // Forged, expired, missing tokens.
    const tokens = t.app.get(XetTokenService);
    const expired = tokens.issue(null, await repoIdOf(t, pub), 'read', t.baseUrl, Date.now() - 3 * 24 * 3600 * 1000).accessToken;
    const [p, payload, sig] = own.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = [p, Buffer.from(JSON.stringify({ ...claims, repoId: await repoIdOf(t, pub) })).toString('base64url'), sig].join('.');
    for (const bad of [expired, forged, 'hxt1.x.y', 'hf_notaxettoken']) {
      const res = await recon(2, bad, seeded.xetHash);
      expect({ bad: bad.slice(0, 12), status: res.status }).toEqual({ bad: bad.slice(0, 12), status: 401 });
    }
    await t.http().get(`/v1/reconstructions/${seeded.xetHash}`).expect(401);
    // The Hangar token itself is no CAS token.
    await recon(2, alice.token, seeded.xetHash).expect(401);
  });

  it('a read token stops working on its next use once the grant, the user token, the session or the repository\'s openness that gave it is gone', async () => {
    const stale = (token: string) => recon(2, token, secret.xetHash).expect(401).expect('X-Error-Code', 'InvalidXetToken');
    // A read grant revoked: the CAS answers 401 (hf_xet then asks the refresh route, which hides the repository).
    await t.http().post(`/api/models/${priv}/access`).set(auth(alice)).send({ username: bob.username, role: 'read' }).expect(200);
    const granted = (await readToken(bob, priv)).accessToken;
    await recon(2, granted, secret.xetHash).expect(200);
    await recon(1, granted, secret.xetHash).expect(200);
    await t.http().delete(`/api/models/${priv}/access/${bob.username}`).set(auth(alice)).expect(200);
    await stale(granted);
    await recon(1, granted, secret.xetHash).expect(401);
    await t.http().get(`/api/models/${priv}/xet-read-token/main`).set(auth(bob)).expect(404);

    // The user token it was issued to revoked (or rotated): the other tokens of the same user keep theirs.
    const login = await t.http().post('/api/auth/login').send({ username: alice.username, password: alice.password }).expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    const created = (await t.http().post('/api/auth/tokens/create').set('Cookie', cookie).send({ name: 'short-lived', role: 'read' }).expect(200)).body;
    const viaToken = (await readToken({ ...alice, token: created.token }, priv)).accessToken;
    const viaOther = (await readToken(alice, priv)).accessToken;
    await recon(2, viaToken, secret.xetHash).expect(200);
    await t.http().delete(`/api/auth/tokens/${created.token_id}`).set('Cookie', cookie).expect(200);
    await stale(viaToken);
    await recon(2, viaOther, secret.xetHash).expect(200);

    // The session it was issued to ended.
    const viaSession = (await t.http().get(`/api/models/${priv}/xet-read-token/main`).set('Cookie', cookie).expect(200)).body.accessToken as string;
    await recon(2, viaSession, secret.xetHash).expect(200);
    await t.http().post('/api/auth/logout').set('Cookie', cookie).expect(200);
    await stale(viaSession);

    // A public repository made private: an anonymous token, and a stranger's, stop; the owner's goes on.
    const flip = `${alice.username}/${uniqueName('xet-flip')}`;
    await createRepo(t, alice.token, flip.split('/')[1]).expect(200);
    const f = await seedXetFile(t, flip, 'f.bin', randomBytes(200_000), { commitToken: alice.token });
    const [anonymous, stranger, owner] = [(await readToken(null, flip)).accessToken, (await readToken(bob, flip)).accessToken, (await readToken(alice, flip)).accessToken];
    for (const token of [anonymous, stranger, owner]) await recon(2, token, f.xetHash).expect(200);
    await t.http().put(`/api/models/${flip}/settings`).set(auth(alice)).send({ private: true }).expect(200);
    for (const token of [anonymous, stranger]) await recon(2, token, f.xetHash).expect(401).expect('X-Error-Code', 'InvalidXetToken');
    await recon(2, owner, f.xetHash).expect(200);
    // Gated afterwards: same for a token issued before the gate to someone without access.
    await t.http().put(`/api/models/${flip}/settings`).set(auth(alice)).send({ private: false }).expect(200);
    const beforeGate = (await readToken(bob, flip)).accessToken;
    await recon(2, beforeGate, f.xetHash).expect(200);
    await t.http().put(`/api/models/${flip}/settings`).set(auth(alice)).send({ gated: 'manual' }).expect(200);
    await recon(2, beforeGate, f.xetHash).expect(401);
  });

  it('tree and paths-info list xetHash beside lfs for Xet-stored files only', async () => {
    const tree = await t.http().get(`/api/models/${pub}/tree/main?recursive=true`).expect(200);
    const entry = tree.body.find((e: { path: string }) => e.path === seeded.path);
    expect(entry).toMatchObject({ type: 'file', size: seeded.data.length, lfs: { oid: seeded.sha256, size: seeded.data.length }, xetHash: seeded.xetHash });
    expect(tree.body.find((e: { path: string }) => e.path === 'README.md').xetHash).toBeUndefined();
    const info = await t.http().post(`/api/models/${pub}/paths-info/main`).send({ paths: [seeded.path, 'README.md'] }).expect(200);
    expect(info.body.map((e: { path: string; xetHash?: string }) => [e.path, e.xetHash])).toEqual([
      [seeded.path, seeded.xetHash],
      ['README.md', undefined],
    ]);
  });

  it('answers @huggingface/hub’s xet-fileinfo probe for Xet files only, and its downloadFile rebuilds the file through the CAS', async () => {
    const accept = 'application/vnd.xet-fileinfo+json, */*';
    const probe = await t.http().get(`/${pub}/resolve/main/${seeded.path}`).set('Accept', accept).set('Range', 'bytes=0-0').expect(200);
    expect(probe.headers['content-type']).toMatch(/^application\/vnd\.xet-fileinfo\+json/);
    expect(probe.headers['x-linked-size']).toBe(String(seeded.data.length));
    expect(probe.headers['x-xet-hash']).toBe(seeded.xetHash);
    expect(probe.headers['vary']).toMatch(/Accept/);
    expect(JSON.parse(probe.text)).toMatchObject({ hash: seeded.xetHash, size: seeded.data.length, etag: `"${seeded.sha256}"` });
    const plain = await t.http().get(`/${pub}/resolve/main/README.md`).set('Accept', accept).set('Range', 'bytes=0-0').expect(206);
    expect(plain.headers['content-range']).toBe('bytes 0-0/6');

    const info = await fileDownloadInfo({ repo: pub, path: seeded.path, hubUrl: t.baseUrl });
    expect(info).toMatchObject({ size: seeded.data.length, etag: `"${seeded.sha256}"`, xet: { hash: seeded.xetHash } });
    const fetched: string[] = [];
    const recording: typeof fetch = (input, init) => {
      fetched.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return fetch(input, init);
    };
    const blob = await downloadFile({ repo: pub, path: seeded.path, hubUrl: t.baseUrl, fetch: recording });
    expect(blob?.size).toBe(seeded.data.length);
    expect(sha256(Buffer.from(await blob!.arrayBuffer()))).toBe(seeded.sha256);
    const slice = Buffer.from(await blob!.slice(1_000_000, 1_300_000).arrayBuffer());
    expect(slice.equals(seeded.data.subarray(1_000_000, 1_300_000))).toBe(true);
    expect(fetched.some((u) => u.includes(`/v2/reconstructions/${seeded.xetHash}`))).toBe(true);
    expect(fetched.some((u) => u.includes('/storage/fs/xet/xorbs/'))).toBe(true);

    // The private file through the client with the owner's token.
    const own = await downloadFile({ repo: priv, path: secret.path, hubUrl: t.baseUrl, accessToken: alice.token });
    expect(sha256(Buffer.from(await own!.arrayBuffer()))).toBe(secret.sha256);
  });

  it('hf_xet downloads the file (whole and ranges) from Hangar’s CAS with v1, v2 and multi-range fetching', async () => {
    const dir = dirs.make();
    const token = (await readToken(null, pub)).accessToken;
    const L = seeded.data.length;
    const RANGES: Array<[number, number]> = [
      [0, 1000],
      [1_499_000, 2_300_001],
      [L - 77, L],
    ];
    for (const [label, config] of [
      ['v1', { 'client.reconstruction_api_version': 1 }],
      ['v2', { 'client.reconstruction_api_version': 2 }],
      ['v2-multirange', { 'client.reconstruction_api_version': 2, 'client.enable_multirange_fetching': true }],
    ] as const) {
      const out = path.join(dir, label);
      mkdirSync(out, { recursive: true });
      const items = [
        { hash: seeded.xetHash, size: L, dest: path.join(out, 'whole') },
        ...RANGES.map(([start, end], i) => ({ hash: seeded.xetHash, size: L, start, end, dest: path.join(out, `range-${i}`) })),
      ];
      const spec = path.join(dir, `${label}.json`);
      writeFileSync(spec, JSON.stringify({ outDir: out, endpoint: t.baseUrl, token, config, items }));
      const calls = reconstructionCalls();
      const r = await run(PYTHON, [XET_HELPER, 'download', spec], { HOME: dir });
      expect({ label, v1: calls.v1 > 0, v2: calls.v2 > 0 }).toEqual({ label, v1: label === 'v1', v2: label !== 'v1' });
      calls.restore();
      expect({ label, code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({ label, code: 0, stderr: '' });
      const results = JSON.parse(r.stdout).results as Array<{ ok: boolean; error?: string }>;
      expect({ label, failed: results.filter((x) => !x.ok) }).toEqual({ label, failed: [] });
      expect({ label, sha256: sha256(readFileSync(path.join(out, 'whole'))) }).toEqual({ label, sha256: seeded.sha256 });
      RANGES.forEach(([start, end], i) => {
        expect({ label, i, same: readFileSync(path.join(out, `range-${i}`)).equals(seeded.data.subarray(start, end)) }).toEqual({ label, i, same: true });
      });
    }
  }, 120_000);

  it('huggingface_hub.hf_hub_download gets the same bytes through Xet and with HF_HUB_DISABLE_XET=1', async () => {
    const script = [
      'import hashlib, json, sys',
      'from huggingface_hub import hf_hub_download',
      'from huggingface_hub.utils import _runtime',
      'p = hf_hub_download(sys.argv[1], sys.argv[2], token=sys.argv[3])',
      'print(json.dumps({"sha256": hashlib.sha256(open(p, "rb").read()).hexdigest(), "xet": _runtime.is_xet_available()}))',
    ].join('\n');
    for (const disable of ['0', '1']) {
      const dir = dirs.make();
      const calls = reconstructionCalls();
      const r = await run(PYTHON, ['-c', script, priv, secret.path, alice.token], {
        HOME: dir,
        HF_HOME: path.join(dir, 'hf'),
        HF_ENDPOINT: t.baseUrl,
        HF_HUB_DISABLE_XET: disable,
        HF_HUB_DISABLE_TELEMETRY: '1',
        HF_HUB_ETAG_TIMEOUT: '30',
      });
      expect({ disable, code: r.code, stderr: r.code === 0 ? '' : r.stderr.slice(-3000) }).toEqual({ disable, code: 0, stderr: '' });
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ sha256: secret.sha256, xet: disable === '0' });
      // With hf_xet: HEAD → X-Xet-Hash + xet-auth link → read token → v2 reconstruction; without: the plain GET.
      expect({ disable, reconstructions: calls.v2 }).toEqual({ disable, reconstructions: disable === '0' ? 1 : 0 });
      calls.restore();
    }
  }, 120_000);

  it('git clone + git lfs pull get the Xet-stored file byte for byte (batch download href reassembles it)', async () => {
    const cred = { user: alice.username, token: alice.token };
    const dir = path.join(dirs.make(), 'clone');
    const cloned = await runGit(['clone', gitUrl(t.baseUrl, priv, cred), dir]);
    expect({ code: cloned.code, stderr: cloned.code === 0 ? '' : cloned.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(path.join(dir, secret.path), 'utf8')).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${secret.sha256}\nsize ${secret.data.length}\n`);
    await git(dir, 'lfs', 'install', '--local');
    const pull = await runGit(['lfs', 'pull'], { cwd: dir, env: { GIT_TRACE: '1' } });
    expect({ code: pull.code, tail: pull.code === 0 ? '' : pull.stderr.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(pull.stderr).toMatch(/\/lfs\/objects\/[0-9a-f]{64}\?expires=/);
    expect(sha256(readFileSync(path.join(dir, secret.path)))).toBe(secret.sha256);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  }, 90_000);
});

describe('on the S3 store: reconstructions point at presigned xorb URLs, resolve reassembles', () => {
  let moto: MotoServer;
  let t: TestApp;
  let alice: TestUser;
  beforeAll(async () => {
    moto = await startMoto();
    t = await startTestApp(s3EnvFor(moto.endpoint, `xet-dl-${Date.now()}`));
    alice = await createUserWithToken(t);
  });
  afterAll(async () => {
    await t?.close();
    await moto?.stop();
  });

  it('rebuilds the file from presigned ranges (v1, v2) and streams it on resolve', async () => {
    const repo = `${alice.username}/${uniqueName('xet-s3')}`;
    await createRepo(t, alice.token, repo.split('/')[1]).expect(200);
    const f = await seedXetFile(t, repo, 'model.bin', sampleData(), { commitToken: alice.token });
    const token = (await t.http().get(`/api/models/${repo}/xet-read-token/main`).set('Authorization', `Bearer ${alice.token}`).expect(200)).body.accessToken;
    for (const version of [1, 2]) {
      const r = await t.http().get(`/v${version}/reconstructions/${f.xetHash}`).set('Authorization', `Bearer ${token}`).set('Range', `bytes=999-${f.data.length - 1}`).expect(200);
      const body = r.body as Recon;
      const urls = [...Object.values(body.fetch_info ?? {}).flat(), ...Object.values(body.xorbs ?? {}).flat()].map((x) => x.url);
      expect(urls.length).toBeGreaterThan(0);
      expect(urls.every((u) => u.startsWith(moto.endpoint))).toBe(true);
      expect(sha256(await rebuild(r.body, f.data.length - 999))).toBe(sha256(f.data.subarray(999)));
    }
    const res = await fetch(`${t.baseUrl}/${repo}/resolve/main/model.bin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-xet-hash')).toBe(f.xetHash);
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(f.sha256);
  });
});
