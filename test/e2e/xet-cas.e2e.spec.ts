import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from '../../src/auth/principal';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import {
  buildShard,
  buildXorb,
  chunkAndHash,
  computeFileHash,
  computeVerificationHash,
  hashToHex,
  parseShard,
  zeroHash,
  type BuiltXorb,
  type ShardFileInput,
  type ShardXorbInput,
  type XetHash,
} from '../../src/xet/codec';
import { DEDUP_ANSWER_VALID_SECONDS } from '../../src/xet/cas/dedup-answer';
import { XORB_BODY_LIMIT } from '../../src/xet/cas/xet-xorbs.service';
import { XetTokenService } from '../../src/xet/tokens/xet-token.service';
import { createUserWithToken, TestUser, uniqueName } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { commit, createRepo, header } from '../support/repos';
import { startTestApp, TestApp } from '../support/test-app';

const MiB = 1024 * 1024;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const EMPTY_SHA256 = sha256(Buffer.alloc(0));

/** A file prepared as hf_xet would upload it: its chunks in one new xorb, and its shard parts. */
interface Upload {
  data: Buffer;
  xorb: BuiltXorb;
  chunks: ReturnType<typeof chunkAndHash>;
  fileHash: XetHash;
  file: (over?: Partial<ShardFileInput>) => ShardFileInput;
  listing: (over?: Partial<ShardXorbInput>) => ShardXorbInput;
}

function prepare(size = MiB): Upload {
  const data = randomBytes(size);
  const chunks = chunkAndHash(data);
  const xorb = buildXorb(chunks.map((c) => c.data));
  const fileHash = computeFileHash(chunks);
  return {
    data,
    xorb,
    chunks,
    fileHash,
    file: (over = {}) => ({
      fileHash,
      terms: [{ xorbHash: xorb.hash, chunkIndexStart: 0, chunkIndexEnd: chunks.length, unpackedSegmentBytes: data.length }],
      verificationHashes: [computeVerificationHash(chunks.map((c) => c.hash))],
      sha256: sha256(data),
      ...over,
    }),
    listing: (over = {}) => ({
      xorbHash: xorb.hash,
      numBytesOnDisk: xorb.bytes.length,
      chunks: chunks.map((c) => ({ chunkHash: c.hash, unpackedSegmentBytes: c.size })),
      ...over,
    }),
  };
}

describe('Xet CAS uploads (xorbs, shards, global dedup)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let privateRepo: string; // alice's
  let publicRepo: string; // alice's
  let bobRepo: string; // bob's, private
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    alice = await createUserWithToken(t);
    bob = await createUserWithToken(t);
    privateRepo = `${alice.username}/${uniqueName('xet-private')}`;
    publicRepo = `${alice.username}/${uniqueName('xet-public')}`;
    bobRepo = `${bob.username}/${uniqueName('xet-bob')}`;
    await createRepo(t, alice.token, privateRepo.split('/')[1], { private: true }).expect(200);
    await createRepo(t, alice.token, publicRepo.split('/')[1]).expect(200);
    await createRepo(t, bob.token, bobRepo.split('/')[1], { private: true }).expect(200);
  });
  afterAll(() => t.close());

  /** A Xet token from the real token route, as huggingface_hub gets it. */
  async function xetToken(u: TestUser, repo: string, op: 'write' | 'read' = 'write'): Promise<string> {
    const key = `${u.username} ${repo} ${op}`;
    if (!tokens.has(key)) {
      const res = await t.http().get(`/api/models/${repo}/xet-${op}-token/main`).set('Authorization', `Bearer ${u.token}`).expect(200);
      tokens.set(key, res.body.accessToken);
    }
    return tokens.get(key)!;
  }
  const postXorb = (token: string | null, hash: string, body: Uint8Array) => {
    const req = t.http().post(`/v1/xorbs/default/${hash}`).set('Content-Type', 'application/octet-stream');
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req.send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  };
  const postShard = (token: string, shard: Uint8Array, version: 1 | 2 = 1) =>
    t.http().post(`/v${version}/shards`).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/octet-stream').send(Buffer.from(shard));
  const shardOf = (files: ShardFileInput[], xorbs: ShardXorbInput[] = []) => buildShard({ files, xorbs });
  const dedup = (token: string, chunk: XetHash | string, prefix = 'default') =>
    fetch(`${t.baseUrl}/v1/chunks/${prefix}/${typeof chunk === 'string' ? chunk : hashToHex(chunk)}`, { headers: { Authorization: `Bearer ${token}` } });

  async function state() {
    const counts: Record<string, number> = {};
    for (const table of ['xet_xorbs', 'repo_xet_xorbs', 'xet_dedup_chunks', 'xet_files', 'lfs_objects', 'repo_lfs_objects']) {
      counts[table] = (await t.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    }
    const keys: string[] = [];
    for await (const o of t.app.get<ObjectStore>(OBJECT_STORE).list('xet/')) keys.push(o.key);
    return { counts, keys };
  }
  async function xorbBytesReceived(): Promise<number> {
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    return Number(/^hangar_xet_xorb_bytes_received_total (\S+)$/m.exec(text)![1]);
  }
  async function uploadXorb(u: TestUser, repo: string, up: Upload) {
    const res = await postXorb(await xetToken(u, repo), up.xorb.hashHex, up.xorb.bytes).expect(200);
    return res.body as { was_inserted: boolean };
  }

  describe('POST /v1/xorbs/default/{hash}', () => {
    it('verifies and stores a xorb once; a second upload answers was_inserted false and stores nothing more', async () => {
      const up = prepare(MiB + 12345);
      const before = await state();
      const bytesBefore = await xorbBytesReceived();
      expect(await uploadXorb(alice, privateRepo, up)).toEqual({ was_inserted: true });
      const after = await state();
      expect(after.keys.length).toBe(before.keys.length + 1);
      expect(await xorbBytesReceived()).toBe(bytesBefore + up.xorb.bytes.length);
      const row = (await t.db.query(`SELECT size, unpacked_size, chunk_sizes, chunk_ends, octet_length(chunk_hashes) AS hl FROM xet_xorbs WHERE hash = $1`, [up.xorb.hashHex])).rows[0];
      expect({ size: Number(row.size), unpacked: Number(row.unpacked_size), n: row.chunk_sizes.length, hl: row.hl }).toEqual({
        size: up.xorb.bytes.length,
        unpacked: up.data.length,
        n: up.chunks.length,
        hl: 32 * up.chunks.length,
      });
      expect(row.chunk_ends).toEqual(up.xorb.chunks.map((c) => c.end));

      expect(await uploadXorb(alice, privateRepo, up)).toEqual({ was_inserted: false });
      const again = await state();
      expect(again.keys).toEqual(after.keys);
      expect(again.counts.xet_xorbs).toBe(after.counts.xet_xorbs);
    });

    it('a xorb already stored is held by a second repository only once its bytes were uploaded there too', async () => {
      const up = prepare();
      await uploadXorb(alice, privateRepo, up);
      expect(await uploadXorb(bob, bobRepo, up)).toEqual({ was_inserted: false });
      const holders = (await t.db.query(`SELECT count(*)::int AS n FROM repo_xet_xorbs WHERE xorb_hash = $1`, [up.xorb.hashHex])).rows[0].n;
      expect(holders).toBe(2);
    });

    it('refuses a xorb that is not what it claims (400) and stores nothing', async () => {
      const token = await xetToken(alice, privateRepo);
      const up = prepare();
      const other = prepare(64 * 1024);
      const truncated = up.xorb.bytes.slice(0, up.xorb.bytes.length - 10);
      const oversizedChunk = up.xorb.bytes.slice();
      oversizedChunk.set([0xff, 0xff, 0xff], 5); // first chunk: uncompressed length 16 MiB
      const lengthLie = up.xorb.bytes.slice();
      lengthLie.set([0xff, 0xff, 0x01], 1); // first chunk: compressed length past the chunk
      const before = await state();
      const cases: Array<[string, string, Uint8Array, string]> = [
        ['bytes of another xorb', up.xorb.hashHex, other.xorb.bytes, 'XorbHashMismatch'],
        ['truncated chunk', up.xorb.hashHex, truncated, 'InvalidXorb'],
        ['oversized chunk length', up.xorb.hashHex, oversizedChunk, 'InvalidXorb'],
        ['compressed length past the chunk', up.xorb.hashHex, lengthLie, 'InvalidXorb'],
        ['garbage', up.xorb.hashHex, randomBytes(5000), 'InvalidXorb'],
        ['empty body', up.xorb.hashHex, new Uint8Array(0), 'InvalidXorb'],
        ['malformed hash in the path', 'not-a-hash', up.xorb.bytes, 'InvalidHash'],
      ];
      for (const [, hash, body, code] of cases) expectHfError(await postXorb(token, hash, body), 400, code);
      expect(await state()).toEqual(before);
    });

    it('refuses a body over the xorb size limit with 413', async () => {
      const before = await state();
      const res = await postXorb(await xetToken(alice, privateRepo), prepare(64 * 1024).xorb.hashHex, Buffer.alloc(XORB_BODY_LIMIT + 1));
      expectHfError(res, 413, 'PayloadTooLarge');
      expect(await state()).toEqual(before);
    });

    it('refuses missing, forged, tampered, expired, non-Xet and read-only tokens; nothing is stored', async () => {
      const up = prepare(64 * 1024);
      const good = await xetToken(alice, privateRepo);
      const [prefix, payload, sig] = good.split('.');
      const forged = `${prefix}.${payload}.${Buffer.from(sig, 'base64url').reverse().toString('base64url')}`;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = `${prefix}.${Buffer.from(JSON.stringify({ ...claims, repoId: claims.repoId + 1 })).toString('base64url')}.${sig}`;
      const service = t.app.get(XetTokenService);
      const principal = { user: { id: claims.userId } } as Principal;
      const expired = service.issue(principal, claims.repoId, 'write', t.baseUrl, Date.now() - (t.config.xet.tokenTtlSeconds + 60) * 1000).accessToken;
      const before = await state();
      for (const token of [null, forged, tampered, expired, alice.token]) expectHfError(await postXorb(token, up.xorb.hashHex, up.xorb.bytes), 401, 'InvalidXetToken');
      expectHfError(await postXorb(await xetToken(alice, privateRepo, 'read'), up.xorb.hashHex, up.xorb.bytes), 403, 'ReadOnlyToken');
      expect(await state()).toEqual(before);
    });

    it('leaves POST /v1/xorb-grants a 404, so hf_xet falls back to /v1/xorbs', async () => {
      const up = prepare(64 * 1024);
      const res = await t
        .http()
        .post(`/v1/xorb-grants/default/${up.xorb.hashHex}`)
        .set('Authorization', `Bearer ${await xetToken(alice, privateRepo)}`)
        .send({ length: up.xorb.bytes.length });
      expect(res.status).toBe(404);
    });
  });

  describe('POST /v1/shards and /v2/shards', () => {
    it('registers a file as an LFS object of the repository: the lfsFile commits, and resolve serves its bytes', async () => {
      const up = prepare(2 * MiB + 7);
      await uploadXorb(alice, privateRepo, up);
      const res = await postShard(await xetToken(alice, privateRepo), shardOf([up.file()], [up.listing()])).expect(200);
      expect(res.body).toEqual({ result: 1 });
      const file = (await t.db.query(`SELECT sha256, size FROM xet_files WHERE file_hash = $1`, [hashToHex(up.fileHash)])).rows[0];
      expect({ sha256: file.sha256, size: Number(file.size) }).toEqual({ sha256: sha256(up.data), size: up.data.length });

      const oid = sha256(up.data);
      await commit(t, alice.token, privateRepo, [header('xet file'), { key: 'lfsFile', value: { path: 'w.bin', algo: 'sha256', oid, size: up.data.length } }]).expect(200);
      const got = await fetch(`${t.baseUrl}/${privateRepo}/resolve/main/w.bin`, { headers: { Authorization: `Bearer ${alice.token}` } });
      expect(got.status).toBe(200);
      expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(oid);
    });

    it('/v2/shards answers NDJSON progress frames ending in a result frame', async () => {
      const up = prepare();
      await uploadXorb(alice, privateRepo, up);
      const res = await postShard(await xetToken(alice, privateRepo), shardOf([up.file()], [up.listing()]), 2).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const frames = res.text.trim().split('\n').map((l) => JSON.parse(l));
      expect(frames[frames.length - 1]).toEqual({ type: 'result', result: 1 });
      expect(frames.map((f) => f.type)).toEqual(['validating', 'committing', 'committing', 'result']);
    });

    it('records an empty file (all-zero sha256, as hf_xet sends it) under the sha256 of no bytes', async () => {
      const res = await postShard(await xetToken(alice, privateRepo), shardOf([{ fileHash: zeroHash(), terms: [], verificationHashes: [], sha256Stored: zeroHash() }])).expect(200);
      expect(res.body).toEqual({ result: 1 });
      const lfs = (await t.db.query(`SELECT size, xet_hash FROM lfs_objects WHERE oid = $1`, [EMPTY_SHA256])).rows[0];
      expect({ size: Number(lfs.size), xet: lfs.xet_hash }).toEqual({ size: 0, xet: hashToHex(zeroHash()) });
    });

    it('refuses shards that break a rule (400) and records nothing', async () => {
      const token = await xetToken(alice, privateRepo);
      const up = prepare();
      await uploadXorb(alice, privateRepo, up);
      const never = prepare(64 * 1024); // its xorb is never uploaded
      const wrongChunk = up.listing({ chunks: up.chunks.map((c, i) => ({ chunkHash: i === 1 ? up.chunks[0].hash : c.hash, unpackedSegmentBytes: c.size })) });
      const before = await state();
      const cases: Array<[string, Uint8Array, string]> = [
        ['a xorb never uploaded', shardOf([never.file()], [never.listing()]), 'UnknownXorb'],
        ['a term on a xorb never uploaded', shardOf([never.file()]), 'UnknownXorb'],
        ['a wrong verification hash', shardOf([up.file({ verificationHashes: [never.fileHash] })]), 'VerificationHashMismatch'],
        ['no verification entries', shardOf([up.file({ verificationHashes: null })]), 'MissingVerification'],
        ['a wrong sha256', shardOf([up.file({ sha256: sha256(never.data) })]), 'Sha256Mismatch'],
        ['no sha256', shardOf([up.file({ sha256: null })]), 'MissingSha256'],
        ['a file hash that is not its chunks’', shardOf([up.file({ fileHash: never.fileHash })]), 'FileHashMismatch'],
        ['a term longer than the xorb', shardOf([up.file({ terms: [{ xorbHash: up.xorb.hash, chunkIndexStart: 0, chunkIndexEnd: up.chunks.length + 1, unpackedSegmentBytes: up.data.length }] })]), 'InvalidShard'],
        ['a xorb listing with other chunks than stored', shardOf([up.file()], [wrongChunk]), 'XorbListingMismatch'],
        ['garbage', randomBytes(3000), 'InvalidShard'],
      ];
      for (const [, shard, code] of cases) expectHfError(await postShard(token, shard), 400, code);
      expectHfError(await postShard(token, shardOf([up.file({ sha256: sha256(never.data) })]), 2), 400, 'Sha256Mismatch');
      expect(await state()).toEqual(before);
    });

    it("cannot build on a xorb held only by another user's private repository, with any token of its own", async () => {
      const up = prepare();
      await uploadXorb(alice, privateRepo, up);
      const before = await state();
      expectHfError(await postShard(await xetToken(bob, bobRepo), shardOf([up.file()], [up.listing()])), 400, 'UnknownXorb');
      expectHfError(await postShard(await xetToken(bob, bobRepo), shardOf([up.file()])), 400, 'UnknownXorb');
      expect(await state()).toEqual(before);
      // A read token of the repository holding the xorb does not help either: shards need write.
      expectHfError(await postShard(await xetToken(alice, privateRepo, 'read'), shardOf([up.file()])), 403, 'ReadOnlyToken');
    });

    it('a xorb stays usable by its uploader after the repository holding it is deleted, and by nobody else', async () => {
      // hf_xet remembers the xorbs it uploaded and names them in later shards without sending them.
      const gone = uniqueName('xet-gone');
      await createRepo(t, alice.token, gone).expect(200);
      const up = prepare();
      await uploadXorb(alice, `${alice.username}/${gone}`, up);
      await t.http().delete('/api/repos/delete').set('Authorization', `Bearer ${alice.token}`).send({ name: gone, type: 'model' }).expect(200);
      expectHfError(await postShard(await xetToken(bob, bobRepo), shardOf([up.file()])), 400, 'UnknownXorb');
      await postShard(await xetToken(alice, privateRepo), shardOf([up.file()], [up.listing()])).expect(200);
      await commit(t, alice.token, privateRepo, [header('again'), { key: 'lfsFile', value: { path: 'again.bin', algo: 'sha256', oid: sha256(up.data), size: up.data.length } }]).expect(200);
      const res = await t.http().get(`/${privateRepo}/resolve/main/again.bin`).set('Authorization', `Bearer ${alice.token}`).buffer(true).expect(200);
      expect(sha256(res.body)).toBe(sha256(up.data));
    });

    it('builds on a xorb of a public repository (what global dedup hands out)', async () => {
      const up = prepare();
      await uploadXorb(alice, publicRepo, up);
      await postShard(await xetToken(bob, bobRepo), shardOf([up.file()])).expect(200);
      const held = (await t.db.query(`SELECT 1 FROM repo_lfs_objects ro JOIN repositories r ON r.id = ro.repo_id WHERE ro.oid = $1 AND r.name = $2`, [sha256(up.data), bobRepo.split('/')[1]])).rows;
      expect(held).toHaveLength(1);
    });

    it('refuses a shard over the size limit with 413', async () => {
      expectHfError(await postShard(await xetToken(alice, privateRepo), Buffer.alloc(64 * MiB + 1)), 413, 'PayloadTooLarge');
    });
  });

  describe('GET /v1/chunks/{default,default-merkledb}/{hash} (global dedup)', () => {
    it('answers a shard listing the xorb of a readable chunk, and 404 for an unreadable or unknown one', async () => {
      const up = prepare();
      await uploadXorb(alice, privateRepo, up);
      for (const prefix of ['default', 'default-merkledb']) {
        const res = await dedup(await xetToken(alice, privateRepo, 'read'), up.chunks[0].hash, prefix);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/octet-stream');
        const shard = parseShard(new Uint8Array(await res.arrayBuffer()), { footer: 'require' });
        expect(shard.files).toEqual([]);
        expect(shard.xorbs.map((x) => hashToHex(x.xorbHash))).toEqual([up.xorb.hashHex]);
        expect(shard.xorbs[0].chunks.map((c) => [hashToHex(c.chunkHash), c.unpackedSegmentBytes])).toEqual(up.chunks.map((c) => [hashToHex(c.hash), c.size]));
        expect(shard.xorbs[0].numBytesOnDisk).toBe(up.xorb.bytes.length);
        expect(shard.footer!.chunkHashHmacKey).toEqual(new Uint8Array(32));
        // A finite expiry: how long the client may dedup against this answer (what xorb GC must wait out).
        const now = BigInt(Math.floor(Date.now() / 1000));
        expect(shard.footer!.shardKeyExpiry).toBeGreaterThan(now);
        expect(shard.footer!.shardKeyExpiry).toBeLessThanOrEqual(now + BigInt(DEDUP_ANSWER_VALID_SECONDS) + 5n);
      }
      expect((await dedup(await xetToken(bob, bobRepo, 'read'), up.chunks[0].hash)).status).toBe(404);
      expect((await dedup(await xetToken(bob, bobRepo), up.chunks[0].hash)).status).toBe(404);
      expect((await dedup(await xetToken(alice, privateRepo), prepare(64 * 1024).chunks[0].hash)).status).toBe(404);
      expect((await dedup(await xetToken(alice, privateRepo), 'zz')).status).toBe(400);

      const pub = prepare();
      await uploadXorb(alice, publicRepo, pub);
      expect((await dedup(await xetToken(bob, bobRepo, 'read'), pub.chunks[0].hash)).status).toBe(200);
    });

    it('a hit on the chunk a file starts with lists the xorbs that follow in that file too', async () => {
      const data = randomBytes(2 * MiB);
      const chunks = chunkAndHash(data);
      const half = Math.floor(chunks.length / 2);
      const parts = [chunks.slice(0, half), chunks.slice(half)].map((cs) => ({ cs, xorb: buildXorb(cs.map((c) => c.data)) }));
      const token = await xetToken(alice, publicRepo);
      for (const p of parts) await postXorb(token, p.xorb.hashHex, p.xorb.bytes).expect(200);
      const file: ShardFileInput = {
        fileHash: computeFileHash(chunks),
        terms: parts.map((p) => ({ xorbHash: p.xorb.hash, chunkIndexStart: 0, chunkIndexEnd: p.cs.length, unpackedSegmentBytes: p.cs.reduce((n, c) => n + c.size, 0) })),
        verificationHashes: parts.map((p) => computeVerificationHash(p.cs.map((c) => c.hash))),
        sha256: sha256(data),
      };
      await postShard(token, shardOf([file])).expect(200);
      const res = await dedup(await xetToken(bob, bobRepo, 'read'), chunks[0].hash);
      expect(res.status).toBe(200);
      const listed = parseShard(new Uint8Array(await res.arrayBuffer())).xorbs.map((x) => hashToHex(x.xorbHash));
      expect(listed.sort()).toEqual(parts.map((p) => p.xorb.hashHex).sort());
    });
  });
});
