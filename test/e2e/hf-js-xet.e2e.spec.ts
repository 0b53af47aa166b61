import { createHash, randomBytes } from 'node:crypto';
import { createRepo, downloadFile, listFiles, uploadFile } from '@huggingface/hub';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { s3EnvFor, startMoto, type MotoServer } from '../support/moto';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * @huggingface/hub (from npm) with its default options (useXet) uploads a 60 MiB file through
 * Xet: the LFS batch answers the `xet` transfer, the client chunks the file, POSTs xorbs and a
 * shard to Hangar's CAS, then commits the sha256 as an LFS file. downloadFile gets the same
 * bytes back. Both object stores (S3 on moto_server).
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

interface Recorded {
  answered: string[];
  xorbs: number;
  shards: number;
  lfsPuts: number;
}

/** A fetch for the client that records its exchanges with Hangar without altering them. */
function recordingFetch(rec: Recorded): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'POST' && /\/v1\/xorbs\/default\/[0-9a-f]{64}$/.test(url)) rec.xorbs += 1;
    if (method === 'POST' && /\/v[12]\/shards$/.test(url)) rec.shards += 1;
    if (method === 'PUT') rec.lfsPuts += 1;
    const res = await fetch(input, init);
    if (url.includes('/info/lfs/objects/batch') && res.ok) rec.answered.push(((await res.clone().json()) as { transfer: string }).transfer);
    return res;
  };
}

describe.each(['fs', 's3'] as const)('@huggingface/hub uploadFile/downloadFile of 60 MiB through Xet on the %s store', (store) => {
  let t: TestApp;
  let u: TestUser;
  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (store === 's3') {
      Object.assign(env, s3EnvFor(moto!.endpoint, `hfjs-xet-${Date.now()}`));
    }
    t = await startTestApp(env);
    u = await createUserWithToken(t);
  });
  afterAll(() => t.close());

  it('uploads through the CAS, lists an LFS file with its xetHash, and downloads the same bytes', async () => {
    const repo = { type: 'model' as const, name: `${u.username}/${uniqueName('xet')}` };
    const creds = { accessToken: u.token, hubUrl: t.baseUrl };
    await createRepo({ repo, ...creds });
    const bytes = randomBytes(SIZE);
    const oid = sha256(bytes);

    const rec: Recorded = { answered: [], xorbs: 0, shards: 0, lfsPuts: 0 };
    const out = await uploadFile({ repo, ...creds, file: { path: 'weights/model.bin', content: new Blob([bytes]) }, fetch: recordingFetch(rec) });
    expect(out?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(rec.answered).toEqual(['xet']);
    expect(rec.xorbs).toBeGreaterThanOrEqual(1);
    expect(rec.shards).toBeGreaterThanOrEqual(1);
    expect(rec.lfsPuts).toBe(0);

    const entries = [];
    for await (const e of listFiles({ repo, ...creds, recursive: true })) entries.push(e);
    const entry = entries.find((e) => e.path === 'weights/model.bin');
    expect(entry).toMatchObject({ type: 'file', size: SIZE, lfs: { oid, size: SIZE } });
    expect(entry?.xetHash).toMatch(/^[0-9a-f]{64}$/);

    const blob = await downloadFile({ repo, ...creds, path: 'weights/model.bin' });
    expect(blob?.size).toBe(SIZE);
    expect(sha256(new Uint8Array(await blob!.arrayBuffer()))).toBe(oid);
  });
});
