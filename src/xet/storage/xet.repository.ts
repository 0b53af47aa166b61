import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { HASH_LENGTH, hashToHex, readHash, type ReconstructionTerm, hexToHash } from '../codec';

/** A stored, verified xorb and its chunk list. */
export interface XorbRow {
  hash: string;
  size: number;
  unpackedSize: number;
  /** 32 bytes per chunk, in xorb order. */
  chunkHashes: Buffer;
  chunkSizes: number[];
  /** End offset of every chunk in the serialized xorb (header included). */
  chunkEnds: number[];
  storageKey: string;
}

/** Who asks to build on xorbs: the repository written (or read), its user, what that user may read. */
export interface XorbReader {
  repoId: number;
  userId: number | null;
  readableNamespaceIds: number[];
}

/** A file's reconstruction: the Xet file hash, its sha256 and its terms. */
export interface XetFileRow {
  fileHash: string;
  sha256: string;
  size: number;
  terms: ReconstructionTerm[];
}

interface StoredTerm {
  h: string;
  s: number;
  e: number;
  n: number;
}

const XORB_COLUMNS = `hash, size, unpacked_size AS "unpackedSize", chunk_hashes AS "chunkHashes", chunk_sizes AS "chunkSizes",
  chunk_ends AS "chunkEnds", storage_key AS "storageKey"`;

/** Queries over xet_xorbs, repo_xet_xorbs, xet_xorb_uploaders, xet_dedup_chunks and xet_files. */
@Injectable()
export class XetRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findXorbs(hashes: string[], m: EntityManager = this.db.manager): Promise<Map<string, XorbRow>> {
    if (!hashes.length) return new Map();
    const rows: XorbRow[] = await m.query(`SELECT ${XORB_COLUMNS} FROM xet_xorbs WHERE hash = ANY($1::varchar(64)[])`, [[...new Set(hashes)]]);
    return new Map(rows.map((r) => [r.hash, { ...r, size: Number(r.size), unpackedSize: Number(r.unpackedSize) }]));
  }

  /** Records a verified xorb; false when it was already recorded. */
  async insertXorb(m: EntityManager, x: XorbRow): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO xet_xorbs (hash, size, unpacked_size, chunk_hashes, chunk_sizes, chunk_ends, storage_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING RETURNING hash`,
      [x.hash, x.size, x.unpackedSize, x.chunkHashes, x.chunkSizes, x.chunkEnds, x.storageKey],
    );
    return rows.length > 0;
  }

  /**
   * Locks these xorbs' rows for the rest of `m` (against the garbage collector, which deletes
   * under FOR UPDATE) and answers which are still stored.
   */
  async lockXorbs(m: EntityManager, hashes: string[]): Promise<Set<string>> {
    if (!hashes.length) return new Set();
    const rows: { hash: string }[] = await m.query(`SELECT hash FROM xet_xorbs WHERE hash = ANY($1::varchar(64)[]) ORDER BY hash FOR KEY SHARE`, [[...new Set(hashes)]]);
    return new Set(rows.map((r) => r.hash));
  }

  async holdXorb(m: EntityManager, repoId: number, xorbHash: string): Promise<void> {
    await m.query(`INSERT INTO repo_xet_xorbs (repo_id, xorb_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [repoId, xorbHash]);
  }

  /** Records that `userId` sent this xorb's bytes (again: the time moves on). */
  /** A duplicate repository holds the source's xorbs too. */
  async copyXorbHolds(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await m.query(`INSERT INTO repo_xet_xorbs (repo_id, xorb_hash) SELECT $2, xorb_hash FROM repo_xet_xorbs WHERE repo_id = $1`, [fromRepoId, toRepoId]);
  }

  async recordUploader(m: EntityManager, xorbHash: string, userId: number): Promise<void> {
    await m.query(
      `INSERT INTO xet_xorb_uploaders (xorb_hash, user_id) VALUES ($1, $2)
       ON CONFLICT (xorb_hash, user_id) DO UPDATE SET last_uploaded_at = now()`,
      [xorbHash, userId],
    );
  }

  /**
   * Of `hashes`, the xorbs the caller may build on: uploaded to `repoId` (the repository being
   * written), to a repository they may read (public, or in one of `readableNamespaceIds`), or
   * by the caller themself, whatever became of the repositories that held them.
   */
  async xorbsReadableBy(hashes: string[], caller: XorbReader): Promise<Set<string>> {
    if (!hashes.length) return new Set();
    const rows: { hash: string }[] = await this.db.query(
      `SELECT rx.xorb_hash AS hash FROM repo_xet_xorbs rx JOIN repositories r ON r.id = rx.repo_id
        WHERE rx.xorb_hash = ANY($1::varchar(64)[]) AND (rx.repo_id = $2 OR NOT r.private OR r.namespace_id = ANY($3::bigint[]))
       UNION
       SELECT xorb_hash FROM xet_xorb_uploaders WHERE xorb_hash = ANY($1::varchar(64)[]) AND user_id = $4`,
      [[...new Set(hashes)], caller.repoId, caller.readableNamespaceIds, caller.userId ?? -1],
    );
    return new Set(rows.map((r) => r.hash));
  }

  /**
   * Indexes a xorb's global-dedup-eligible chunks (first writer wins). A xorb the garbage
   * collector had taken out of the index is in use again: its wait for deletion starts over.
   */
  async indexDedupChunks(m: EntityManager, xorbHash: string, chunkHashes: string[]): Promise<void> {
    if (!chunkHashes.length) return;
    await m.query(
      `INSERT INTO xet_dedup_chunks (chunk_hash, xorb_hash) SELECT unnest($1::varchar(64)[]), $2 ON CONFLICT (chunk_hash) DO NOTHING`,
      [chunkHashes, xorbHash],
    );
    await m.query(`UPDATE xet_xorbs SET unindexed_at = NULL WHERE hash = $1 AND unindexed_at IS NOT NULL`, [xorbHash]);
  }

  async xorbForDedupChunk(chunkHash: string): Promise<string | null> {
    const rows: { xorbHash: string }[] = await this.db.query(`SELECT xorb_hash AS "xorbHash" FROM xet_dedup_chunks WHERE chunk_hash = $1`, [chunkHash]);
    return rows[0]?.xorbHash ?? null;
  }

  /**
   * The xorb sequences (term order) of up to `limit` files that use `xorbHash` (the containment
   * test is served by the GIN index xet_files_terms_idx).
   */
  async xorbSequencesOfFilesUsing(xorbHash: string, limit: number): Promise<string[][]> {
    const rows: { terms: StoredTerm[] }[] = await this.db.query(`SELECT terms FROM xet_files WHERE terms @> $1::jsonb LIMIT $2`, [JSON.stringify([{ h: xorbHash }]), limit]);
    return rows.map((r) => r.terms.map((t) => t.h));
  }

  async findFile(fileHash: string, m: EntityManager = this.db.manager): Promise<XetFileRow | null> {
    const rows = await m.query(`SELECT file_hash AS "fileHash", sha256, size, terms FROM xet_files WHERE file_hash = $1`, [fileHash]);
    return rows[0] ? toFileRow(rows[0]) : null;
  }

  /**
   * Registers a file; registering it again locks its row and renews its age, so the garbage
   * collector (which deletes files no LFS object names, under FOR UPDATE) cannot take it away
   * while the registering transaction links an LFS object to it.
   */
  async insertFile(m: EntityManager, f: XetFileRow): Promise<void> {
    const terms: StoredTerm[] = f.terms.map((t) => ({ h: hashToHex(t.xorbHash), s: t.chunkIndexStart, e: t.chunkIndexEnd, n: t.unpackedSegmentBytes }));
    await m.query(
      `INSERT INTO xet_files (file_hash, sha256, size, terms) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (file_hash) DO UPDATE SET created_at = now()`,
      [f.fileHash, f.sha256, f.size, JSON.stringify(terms)],
    );
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}

function toFileRow(r: { fileHash: string; sha256: string; size: string; terms: StoredTerm[] }): XetFileRow {
  return {
    fileHash: r.fileHash,
    sha256: r.sha256,
    size: Number(r.size),
    terms: r.terms.map((t) => ({ xorbHash: hexToHash(t.h), chunkIndexStart: t.s, chunkIndexEnd: t.e, unpackedSegmentBytes: t.n })),
  };
}

/** The i-th chunk hash of a xorb row, as Xet hex. */
export function xorbChunkHashHex(x: Pick<XorbRow, 'chunkHashes'>, i: number): string {
  return hashToHex(readHash(x.chunkHashes, i * HASH_LENGTH));
}

/** Where a xorb's bytes live in the object store. */
export const xorbStorageKey = (hash: string) => `xet/xorbs/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`;
