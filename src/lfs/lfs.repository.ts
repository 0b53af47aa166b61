import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface LfsObjectRow {
  oid: string;
  size: number;
  /** Where the whole bytes are; null for a file stored only as Xet xorbs (see xetHash). */
  storageKey: string | null;
  /** Xet file hash when the object was uploaded through Xet (reassembled from xorbs). */
  xetHash?: string | null;
}

/** The LFS object behind a pointer blob, as trees and resolve show it. */
export interface LfsEntry {
  oid: string;
  size: number;
  /** The repository's version was removed by keep_versions (size is then 0). */
  pruned?: boolean;
  /** Xet file hash when the object is stored as Xet. */
  xetHash?: string;
}

export interface HeldLfsObject {
  oid: string;
  pointerOid: string;
  size: number;
  xetHash: string | null;
  pushedAt: Date;
}

export interface LfsUploadRow {
  id: string;
  repoId: number;
  userId: number | null;
  oid: string;
  size: number;
  stagingKey: string;
  multipartId: string | null;
  state: 'pending' | 'verified' | 'failed';
  expiresAt: Date;
}

const UPLOAD_COLUMNS = `id, repo_id AS "repoId", user_id AS "userId", oid, size, staging_key AS "stagingKey",
  multipart_id AS "multipartId", state, expires_at AS "expiresAt"`;

/** Queries over lfs_objects, repo_lfs_objects and lfs_uploads. */
@Injectable()
export class LfsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findObject(oid: string, m: EntityManager = this.db.manager): Promise<LfsObjectRow | null> {
    const rows = await m.query(`SELECT oid, size, storage_key AS "storageKey", xet_hash AS "xetHash" FROM lfs_objects WHERE oid = $1`, [oid]);
    return rows[0] ? { ...rows[0], size: Number(rows[0].size) } : null;
  }

  /** Records a verified object; false when another upload recorded it first. */
  async insertObject(m: EntityManager, o: LfsObjectRow): Promise<boolean> {
    const rows = await m.query(`INSERT INTO lfs_objects (oid, size, storage_key) VALUES ($1, $2, $3) ON CONFLICT (oid) DO NOTHING RETURNING oid`, [o.oid, o.size, o.storageKey]);
    return rows.length > 0;
  }

  /**
   * Records a file uploaded through Xet as an LFS object (sha256 → size, Xet file hash). An object
   * already stored whole keeps its bytes and gains the Xet hash; false when its size differs.
   */
  async insertXetObject(m: EntityManager, o: { oid: string; size: number; xetHash: string }): Promise<boolean> {
    const rows = await m.query(
      `INSERT INTO lfs_objects (oid, size, storage_key, xet_hash) VALUES ($1, $2, NULL, $3)
       ON CONFLICT (oid) DO UPDATE SET xet_hash = COALESCE(lfs_objects.xet_hash, EXCLUDED.xet_hash) WHERE lfs_objects.size = EXCLUDED.size
       RETURNING oid`,
      [o.oid, o.size, o.xetHash],
    );
    return rows.length > 0;
  }

  async holdInRepo(m: EntityManager, repoId: number, oid: string, pointerOid: string, committed: boolean): Promise<void> {
    await m.query(
      `INSERT INTO repo_lfs_objects (repo_id, oid, pointer_oid, committed) VALUES ($1, $2, $3, $4)
       ON CONFLICT (repo_id, oid) DO UPDATE SET committed = repo_lfs_objects.committed OR EXCLUDED.committed`,
      [repoId, oid, pointerOid, committed],
    );
  }

  /** LFS objects behind pointer blobs of a repository, by pointer blob id. */
  async byPointers(repoId: number, pointerOids: string[]): Promise<Map<string, { oid: string; size: number }>> {
    if (!pointerOids.length) return new Map();
    const rows: { pointerOid: string; oid: string; size: string }[] = await this.db.query(
      `SELECT ro.pointer_oid AS "pointerOid", o.oid, o.size FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid
        WHERE ro.repo_id = $1 AND ro.pointer_oid = ANY($2::varchar(40)[])`,
      [repoId, pointerOids],
    );
    return new Map(rows.map((r) => [r.pointerOid, { oid: r.oid, size: Number(r.size) }]));
  }

  /** Which of `oids` the repository holds (uploaded or committed), and which its commits reference. */
  async heldBy(repoId: number, oids: string[]): Promise<Map<string, { committed: boolean }>> {
    if (!oids.length) return new Map();
    const rows: { oid: string; committed: boolean }[] = await this.db.query(
      `SELECT oid, committed FROM repo_lfs_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(64)[])`,
      [repoId, oids],
    );
    return new Map(rows.map((r) => [r.oid, { committed: r.committed }]));
  }

  /** A duplicate's holds: the LFS objects the source's commits reference, and its pruned markers. */
  async copyHolds(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await m.query(
      `INSERT INTO repo_lfs_objects (repo_id, oid, pointer_oid, committed) SELECT $2, oid, pointer_oid, true FROM repo_lfs_objects WHERE repo_id = $1 AND committed`,
      [fromRepoId, toRepoId],
    );
    await m.query(`INSERT INTO lfs_pruned (repo_id, oid, pointer_oid) SELECT $2, oid, pointer_oid FROM lfs_pruned WHERE repo_id = $1`, [fromRepoId, toRepoId]);
  }

  /** The LFS objects a repository holds, newest first: what list_lfs_files pages through. */
  async listHeld(repoId: number, limit: number, offset: number): Promise<HeldLfsObject[]> {
    const rows = await this.db.query(
      `SELECT ro.oid, ro.pointer_oid AS "pointerOid", o.size, o.xet_hash AS "xetHash", ro.created_at AS "pushedAt"
         FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid
        WHERE ro.repo_id = $1 ORDER BY ro.created_at DESC, ro.oid LIMIT $2 OFFSET $3`,
      [repoId, limit, offset],
    );
    return rows.map((r: HeldLfsObject) => ({ ...r, size: Number(r.size), pushedAt: new Date(r.pushedAt) }));
  }

  /** Of `oids`, the ones the repository holds, with their pointer blob ids. */
  async heldObjects(repoId: number, oids: string[]): Promise<{ oid: string; pointerOid: string }[]> {
    if (!oids.length) return [];
    return this.db.query(`SELECT oid, pointer_oid AS "pointerOid" FROM repo_lfs_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(64)[])`, [repoId, oids]);
  }

  /** Of `oids`, those some repository in `repoIds` references in a commit, or that are public anywhere. */
  async readableBy(oids: string[], readableNamespaceIds: number[]): Promise<Set<string>> {
    if (!oids.length) return new Set();
    const rows: { oid: string }[] = await this.db.query(
      `SELECT DISTINCT ro.oid FROM repo_lfs_objects ro JOIN repositories r ON r.id = ro.repo_id
        WHERE ro.oid = ANY($1::varchar(64)[]) AND ro.committed AND (NOT r.private OR r.namespace_id = ANY($2::bigint[]))`,
      [oids, readableNamespaceIds],
    );
    return new Set(rows.map((r) => r.oid));
  }

  async insertUpload(u: Omit<LfsUploadRow, 'state'>): Promise<void> {
    await this.db.query(
      `INSERT INTO lfs_uploads (id, repo_id, user_id, oid, size, staging_key, multipart_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [u.id, u.repoId, u.userId, u.oid, u.size, u.stagingKey, u.multipartId, u.expiresAt],
    );
  }

  async findUpload(id: string, m: EntityManager = this.db.manager, lock = false): Promise<LfsUploadRow | null> {
    const rows = await m.query(`SELECT ${UPLOAD_COLUMNS} FROM lfs_uploads WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows[0] ? { ...rows[0], repoId: Number(rows[0].repoId), size: Number(rows[0].size) } : null;
  }

  /** The newest pending upload of this object into this repository (verify, or a commit, finalises it). */
  async findPendingUpload(repoId: number, oid: string): Promise<LfsUploadRow | null> {
    const rows = await this.db.query(
      `SELECT ${UPLOAD_COLUMNS} FROM lfs_uploads WHERE repo_id = $1 AND oid = $2 AND state = 'pending' ORDER BY created_at DESC LIMIT 1`,
      [repoId, oid],
    );
    return rows[0] ? { ...rows[0], repoId: Number(rows[0].repoId), size: Number(rows[0].size) } : null;
  }

  async setUploadState(m: EntityManager, id: string, state: 'verified' | 'failed'): Promise<void> {
    await m.query(`UPDATE lfs_uploads SET state = $2 WHERE id = $1`, [id, state]);
  }

  /** Uploads never finished before `before`, for the cleanup job. */
  async abandonedUploads(before: Date, limit: number): Promise<LfsUploadRow[]> {
    const rows = await this.db.query(`SELECT ${UPLOAD_COLUMNS} FROM lfs_uploads WHERE state <> 'verified' AND created_at < $1 ORDER BY created_at LIMIT $2`, [before, limit]);
    return rows.map((r: LfsUploadRow) => ({ ...r, repoId: Number(r.repoId), size: Number(r.size) }));
  }

  async deleteUpload(id: string): Promise<void> {
    await this.db.query(`DELETE FROM lfs_uploads WHERE id = $1`, [id]);
  }

  /** Verified objects no commit of any repository references, uploaded before `before`. */
  async unreferencedObjects(before: Date, limit: number): Promise<LfsObjectRow[]> {
    const rows = await this.db.query(
      `SELECT o.oid, o.size, o.storage_key AS "storageKey" FROM lfs_objects o
        WHERE o.created_at < $1 AND NOT EXISTS (SELECT 1 FROM repo_lfs_objects ro WHERE ro.oid = o.oid AND ro.committed)
        ORDER BY o.created_at LIMIT $2`,
      [before, limit],
    );
    return rows.map((r: LfsObjectRow) => ({ ...r, size: Number(r.size) }));
  }

  /** Deletes the object's rows unless a commit references it by now (checked in the same statement). */
  async deleteObjectIfUnreferenced(oid: string): Promise<boolean> {
    return this.db.transaction(async (m) => {
      const locked = await m.query(`SELECT oid FROM lfs_objects WHERE oid = $1 FOR UPDATE`, [oid]);
      if (!locked.length) return false;
      const used = await m.query(`SELECT 1 FROM repo_lfs_objects WHERE oid = $1 AND committed LIMIT 1`, [oid]);
      if (used.length) return false;
      await m.query(`DELETE FROM repo_lfs_objects WHERE oid = $1`, [oid]);
      await m.query(`DELETE FROM lfs_objects WHERE oid = $1`, [oid]);
      return true;
    });
  }

  /** Repositories whose own or the server's keep_versions applies. */
  async reposWithRetention(serverDefault: number | null): Promise<{ id: number; keep: number; defaultBranch: string }[]> {
    const rows = await this.db.query(
      `SELECT id, COALESCE(lfs_keep_versions, $1::int) AS keep, default_branch AS "defaultBranch" FROM repositories
        WHERE COALESCE(lfs_keep_versions, $1::int) IS NOT NULL AND EXISTS (SELECT 1 FROM repo_lfs_objects ro WHERE ro.repo_id = repositories.id)`,
      [serverDefault],
    );
    return rows.map((r: { id: string; keep: number; defaultBranch: string }) => ({ id: Number(r.id), keep: Number(r.keep), defaultBranch: r.defaultBranch }));
  }

  /**
   * Marks versions pruned for a repository and drops its hold on them; an object no repository
   * holds any more is deleted (its storage key is returned so the bytes can go too).
   */
  async prune(repoId: number, objects: { oid: string; pointerOid: string }[]): Promise<string[]> {
    return this.db.transaction(async (m) => {
      const orphaned: string[] = [];
      for (const o of objects) {
        await m.query(`INSERT INTO lfs_pruned (repo_id, oid, pointer_oid) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [repoId, o.oid, o.pointerOid]);
        await m.query(`DELETE FROM repo_lfs_objects WHERE repo_id = $1 AND oid = $2`, [repoId, o.oid]);
        const others = await m.query(`SELECT 1 FROM repo_lfs_objects WHERE oid = $1 LIMIT 1`, [o.oid]);
        if (!others.length) {
          const gone = await m.query(`DELETE FROM lfs_objects WHERE oid = $1 RETURNING storage_key AS "storageKey"`, [o.oid]);
          // TypeORM answers a DELETE … RETURNING with [rows, count].
          const rows = Array.isArray(gone[0]) ? gone[0] : gone;
          // A file stored only as Xet has no key: its xorbs may back other files and stay.
          if (rows[0]?.storageKey) orphaned.push(rows[0].storageKey);
        }
      }
      return orphaned;
    });
  }

  /** Held and pruned LFS objects behind pointer blobs, in one round trip (tree listings, resolve). */
  async lfsEntriesByPointers(repoId: number, pointerOids: string[]): Promise<Map<string, LfsEntry>> {
    if (!pointerOids.length) return new Map();
    const rows: { pointerOid: string; oid: string; size: string; xetHash: string | null; pruned: boolean }[] = await this.db.query(
      `SELECT ro.pointer_oid AS "pointerOid", o.oid, o.size, o.xet_hash AS "xetHash", false AS pruned FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid
        WHERE ro.repo_id = $1 AND ro.pointer_oid = ANY($2::varchar(40)[])
       UNION ALL
       SELECT p.pointer_oid, p.oid, 0, NULL, true FROM lfs_pruned p WHERE p.repo_id = $1 AND p.pointer_oid = ANY($2::varchar(40)[])`,
      [repoId, pointerOids],
    );
    const out = new Map<string, LfsEntry>();
    for (const r of rows) {
      if (out.has(r.pointerOid) && r.pruned) continue;
      if (r.pruned) out.set(r.pointerOid, { oid: r.oid, size: 0, pruned: true });
      else out.set(r.pointerOid, r.xetHash ? { oid: r.oid, size: Number(r.size), xetHash: r.xetHash } : { oid: r.oid, size: Number(r.size) });
    }
    return out;
  }

  /**
   * Whether the repository holds an LFS object stored as this Xet file: referenced by one of its
   * commits, or (with `includeUploads`) uploaded to it and not committed yet.
   */
  async holdsXetFile(repoId: number, xetHash: string, includeUploads: boolean): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid
        WHERE ro.repo_id = $1 AND o.xet_hash = $2 AND (ro.committed OR $3) LIMIT 1`,
      [repoId, xetHash, includeUploads],
    );
    return rows.length > 0;
  }

  /** Pointer blobs of a repository whose LFS version was pruned. */
  async prunedByPointers(repoId: number, pointerOids: string[]): Promise<Map<string, string>> {
    if (!pointerOids.length) return new Map();
    const rows: { pointerOid: string; oid: string }[] = await this.db.query(
      `SELECT pointer_oid AS "pointerOid", oid FROM lfs_pruned WHERE repo_id = $1 AND pointer_oid = ANY($2::varchar(40)[])`,
      [repoId, pointerOids],
    );
    return new Map(rows.map((r) => [r.pointerOid, r.oid]));
  }

  async isPruned(repoId: number, oid: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM lfs_pruned WHERE repo_id = $1 AND oid = $2`, [repoId, oid])).length > 0;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
