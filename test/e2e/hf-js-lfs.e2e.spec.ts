import { createHash, randomBytes } from 'node:crypto';
import { createRepo, downloadFile, listFiles, uploadFile } from '@huggingface/hub';
import { startTestApp, TestApp } from '../support/test-app';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';

/**
 * @huggingface/hub (from npm) uploads a 60 MiB file through Hangar's LFS batch API with
 * `useXet: false` (its Xet path, the default, is tested in hf-js-xet.e2e). Hangar answers `basic`
 * (the file is under the 64 MiB multipart chunk size) or, with a smaller chunk size configured,
 * HF `multipart`. On both stores the file downloads byte for byte. A batch request that offers
 * `xet` is answered with the `xet` transfer.
 *
 * The client names the hash `"hash_algo": "sha_256"` in its batch request (the public hub
 * accepts that spelling; git-lfs and huggingface_hub send `sha256`), so Hangar must take both.
 */
const MiB = 1024 * 1024;
const SIZE = 60 * MiB;
const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

let moto: MotoServer | null = null;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

/** What the client sent to and got from the batch endpoint, and where it PUT bytes. */
interface Recorded {
  offered: string[][];
  answered: string[];
  puts: string[];
  completions: number;
}

/** A fetch for the client that records the LFS exchange without altering it. */
function recordingFetch(rec: Recorded): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (url.includes('/info/lfs/objects/batch') && typeof init?.body === 'string') rec.offered.push(JSON.parse(init.body).transfers);
    if (method === 'PUT') rec.puts.push(url);
    if (method === 'POST' && /\/lfs\/uploads\/[^/]+\/complete\?/.test(url)) rec.completions += 1;
    const res = await fetch(input, init);
    if (url.includes('/info/lfs/objects/batch') && res.ok) rec.answered.push(((await res.clone().json()) as { transfer: string }).transfer);
    return res;
  };
}

describe('LFS batch request exactly as @huggingface/hub sends it', () => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('accepts hash_algo "sha_256" and answers the xet transfer with a CAS token in the action headers', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('algo')}` };
    await createRepo({ repo, accessToken: u.token, hubUrl: t.baseUrl });
    // The body of @huggingface/hub 2.17.5's commitIter, byte for byte in its field order.
    const body = { operation: 'upload', transfers: ['basic', 'multipart', 'xet'], hash_algo: 'sha_256', ref: { name: 'main' }, objects: [{ oid: 'a'.repeat(64), size: SIZE }] };
    const res = await fetch(`${t.baseUrl}/${repo.name}.git/info/lfs/objects/batch`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${u.token}`, Accept: 'application/vnd.git-lfs+json', 'Content-Type': 'application/vnd.git-lfs+json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect([res.status, text]).toEqual([200, expect.stringContaining('"transfer":"xet"')]);
    const upload = JSON.parse(text).objects[0].actions.upload;
    expect(upload.href).toBe(`${t.baseUrl}/api/models/${repo.name}/xet-write-token/main`);
    expect(upload.header).toEqual({ 'X-Xet-Cas-Url': t.baseUrl, 'X-Xet-Access-Token': expect.stringMatching(/^hxt1\./), 'X-Xet-Token-Expiration': expect.stringMatching(/^\d+$/) });
    // The href refreshes the token: with the user's token it answers a new one.
    const refreshed = await fetch(upload.href, { headers: { Authorization: `Bearer ${u.token}` } });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toEqual({ accessToken: expect.stringMatching(/^hxt1\./), exp: expect.any(Number), casUrl: t.baseUrl });
  });
});

type Case = { store: 'fs' | 's3'; chunkMiB?: number; expected: 'basic' | 'multipart' };
const CASES: Case[] = [
  { store: 'fs', expected: 'basic' },
  { store: 'fs', chunkMiB: 16, expected: 'multipart' },
  { store: 's3', expected: 'basic' },
  { store: 's3', chunkMiB: 16, expected: 'multipart' },
];

describe.each(CASES)('@huggingface/hub uploadFile/downloadFile of 60 MiB (LFS) on the $store store, expecting $expected', ({ store, chunkMiB, expected }) => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (chunkMiB) env.HANGAR_LFS_MULTIPART_CHUNK_BYTES = String(chunkMiB * MiB);
    if (store === 's3') {
      Object.assign(env, s3EnvFor(moto!.endpoint, `hfjs-${Date.now()}-${chunkMiB ?? 0}`));
    }
    t = await startTestApp(env);
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('uploads with useXet: false (plain LFS), lists the file as LFS and downloads the same bytes', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('big')}` };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await createRepo({ repo, ...creds });
    const bytes = randomBytes(SIZE);
    const oid = sha256(bytes);

    const rec: Recorded = { offered: [], answered: [], puts: [], completions: 0 };
    const out = await uploadFile({ repo, ...creds, file: { path: 'weights/model.bin', content: new Blob([bytes]) }, fetch: recordingFetch(rec), useXet: false });
    expect(out?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(rec.offered).toEqual([['basic', 'multipart']]);
    expect(rec.answered).toEqual([expected]);
    if (expected === 'basic') {
      expect(rec.puts).toHaveLength(1);
      expect(rec.completions).toBe(0);
      if (store === 'fs') expect(rec.puts[0].startsWith(`${t.baseUrl}/lfs/uploads/`)).toBe(true);
      else expect(rec.puts[0].startsWith(`${moto!.endpoint}/`)).toBe(true);
    } else {
      expect(rec.puts).toHaveLength(Math.ceil(SIZE / (chunkMiB! * MiB)));
      expect(rec.completions).toBe(1);
    }

    const entries = [];
    for await (const e of listFiles({ repo, ...creds, recursive: true })) entries.push(e);
    const entry = entries.find((e) => e.path === 'weights/model.bin');
    expect(entry).toMatchObject({ type: 'file', size: SIZE, lfs: { oid, size: SIZE } });
    expect(entry?.lfs?.pointerSize).toBeGreaterThan(100);

    const blob = await downloadFile({ repo, ...creds, path: 'weights/model.bin' });
    expect(blob?.size).toBe(SIZE);
    // (hash comparison: jest's deep equality on 60 MiB buffers takes minutes)
    expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(oid);
    // raw still serves the pointer.
    const pointer = await downloadFile({ repo, ...creds, path: 'weights/model.bin', raw: true });
    expect(await pointer?.text()).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${oid}\nsize ${SIZE}\n`);
  });
});
