import { createHash } from 'node:crypto';
import { OBJECT_STORE, type ObjectStore } from '../../src/core/storage/object-store';
import { LfsService } from '../../src/lfs/lfs.service';
import {
  buildXorb,
  chunkAndHash,
  computeFileHash,
  hashToHex,
  hexToHash,
  xetHashingReady,
  type BuiltXorb,
  type CompressionPolicy,
  type ReconstructionTerm,
} from '../../src/xet/codec';
import { XetRepository, xorbStorageKey } from '../../src/xet/storage/xet.repository';
import { commit, header } from './repos';
import type { TestApp } from './test-app';

/**
 * Puts a file into Hangar the way a Xet upload leaves it, without the CAS upload endpoints:
 * chunks it with the codec, packs the new chunks into xorbs (several, rotating compression),
 * stores them at their storage keys, records xorbs, file and LFS object through the app's own
 * repositories, then commits an `lfsFile` through the HF commit API. The result is a committed
 * LFS file of `repo` whose bytes exist only as xorbs.
 */

export interface SeededXetFile {
  path: string;
  data: Buffer;
  sha256: string;
  xetHash: string;
  terms: ReconstructionTerm[];
  /** Xorbs this seeding stored (a file made only of known chunks stores none). */
  xorbs: BuiltXorb[];
  /** The commit that added the file. */
  commitOid: string;
}

export interface SeedOptions {
  /** Chunks per xorb (default 8), so files of a few MiB span several xorbs. */
  chunksPerXorb?: number;
  commitToken: string;
  repoType?: 'models' | 'datasets' | 'spaces';
  /** Commit the lfsFile (default true); false leaves the file uploaded but not committed. */
  commit?: boolean;
}

const POLICIES: CompressionPolicy[] = ['lz4', 'none', 'bg4-lz4', 'auto'];

export async function repoIdOf(t: TestApp, repo: string, type: 'model' | 'dataset' | 'space' = 'model'): Promise<number> {
  const [ns, name] = repo.split('/');
  const r = await t.db.query(
    `SELECT r.id FROM repositories r JOIN namespaces n ON n.id = r.namespace_id WHERE lower(n.name) = lower($1) AND lower(r.name) = lower($2) AND r.type = $3`,
    [ns, name, type],
  );
  if (!r.rows[0]) throw new Error(`no repository ${type} ${repo}`);
  return Number(r.rows[0].id);
}

export async function seedXetFile(t: TestApp, repo: string, path: string, data: Buffer, opts: SeedOptions): Promise<SeededXetFile> {
  await xetHashingReady();
  const type = opts.repoType ?? 'models';
  const repoId = await repoIdOf(t, repo, type === 'models' ? 'model' : type === 'datasets' ? 'dataset' : 'space');
  const xet = t.app.get(XetRepository);
  const store = t.app.get<ObjectStore>(OBJECT_STORE);

  const chunks = chunkAndHash(data);
  const known = await knownChunks(t);
  const fresh: typeof chunks = [];
  const seen = new Set<string>();
  for (const c of chunks) {
    const hex = hashToHex(c.hash);
    if (!known.has(hex) && !seen.has(hex)) {
      seen.add(hex);
      fresh.push(c);
    }
  }
  const per = opts.chunksPerXorb ?? 8;
  const xorbs: BuiltXorb[] = [];
  for (let i = 0; i < fresh.length; i += per) {
    const group = fresh.slice(i, i + per);
    const x = buildXorb(
      group.map((c) => c.data),
      { compression: POLICIES[xorbs.length % POLICIES.length] },
    );
    xorbs.push(x);
    group.forEach((c, j) => known.set(hashToHex(c.hash), [x.hashHex, j]));
  }

  const terms: ReconstructionTerm[] = [];
  for (const c of chunks) {
    const [xhex, idx] = known.get(hashToHex(c.hash))!;
    const last = terms[terms.length - 1];
    if (last && hashToHex(last.xorbHash) === xhex && last.chunkIndexEnd === idx) {
      last.chunkIndexEnd++;
      last.unpackedSegmentBytes += c.size;
    } else {
      terms.push({ xorbHash: hexToHash(xhex), chunkIndexStart: idx, chunkIndexEnd: idx + 1, unpackedSegmentBytes: c.size });
    }
  }
  const xetHash = hashToHex(computeFileHash(chunks));
  const sha256 = createHash('sha256').update(data).digest('hex');

  for (const x of xorbs) await store.put(xorbStorageKey(x.hashHex), Buffer.from(x.bytes));
  await xet.transaction(async (m) => {
    for (const x of xorbs) {
      await xet.insertXorb(m, {
        hash: x.hashHex,
        size: x.bytes.length,
        unpackedSize: x.unpackedLength,
        chunkHashes: Buffer.concat(x.chunks.map((c) => Buffer.from(c.hash))),
        chunkSizes: x.chunks.map((c) => c.uncompressedLength),
        chunkEnds: x.chunks.map((c) => c.end),
        storageKey: xorbStorageKey(x.hashHex),
      });
    }
    for (const h of new Set(terms.map((tm) => hashToHex(tm.xorbHash)))) await xet.holdXorb(m, repoId, h);
    await xet.insertFile(m, { fileHash: xetHash, sha256, size: data.length, terms });
    await t.app.get(LfsService).recordXetUpload(m, repoId, { sha256, size: data.length, xetHash });
  });

  let commitOid = '';
  if (opts.commit !== false) {
    const res = await commit(t, opts.commitToken, repo, [header(`add ${path}`), { key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256, size: data.length } }], { type });
    if (res.status !== 200) throw new Error(`commit of ${path} failed: ${res.status} ${JSON.stringify(res.body)}`);
    commitOid = res.body.commitOid;
  }
  return { path, data, sha256, xetHash, terms, xorbs, commitOid };
}

/** Chunk hash → [xorb hash, index] of every stored xorb, so a new file reuses chunks it shares (dedup). */
async function knownChunks(t: TestApp): Promise<Map<string, [string, number]>> {
  const out = new Map<string, [string, number]>();
  const rows = await t.db.query(`SELECT hash, chunk_hashes FROM xet_xorbs`);
  for (const r of rows.rows as { hash: string; chunk_hashes: Buffer }[]) {
    for (let i = 0; i * 32 < r.chunk_hashes.length; i++) {
      out.set(hashToHex(r.chunk_hashes.subarray(i * 32, i * 32 + 32)), [r.hash, i]);
    }
  }
  return out;
}
