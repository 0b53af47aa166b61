import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { OID_PATTERN, PACK_TYPE, TYPE_BY_PACK, type GitObjectType, type Oid } from '../codec/object-types';
import { BinaryCopyStream, type CopyRow } from './pg-binary-copy';

export interface StoredObjectRow {
  oid: Oid;
  type: GitObjectType;
  size: number;
  /** Deflated body, when stored inline. */
  body: Buffer | null;
  /** Object-store key of the deflated body, when stored outside the database. */
  storageKey: string | null;
}

/**
 * Many objects of one repository by id ($1 = repository, $2 = distinct object ids): one primary
 * key probe per id, whatever the statistics say. `oid = ANY($2)` with a thousand ids is planned
 * as a sequential scan once the table is big; a plain join on `unnest` is planned as a hash join
 * over all the repository's rows while the table's statistics are stale (right after a bulk
 * import, before autovacuum analyses it: each batch of a clone then read every row of the
 * repository). The LIMIT keeps the lateral subquery from being flattened into such a join.
 */
/**
 * A re-recorded object older than this is renewed (`created_at`): garbage collection spares
 * objects younger than HANGAR_SWEEP_GRACE_SECONDS (60 s or more), so a push that sends an old
 * unreachable object again keeps it until its ref moves.
 */
const RENEW_AFTER_SECONDS = 30;

export const byOids = (repo: string, oids: string): string =>
  `unnest(${oids}::varchar(40)[]) AS q(oid) CROSS JOIN LATERAL (SELECT * FROM git_objects g WHERE g.repo_id = ${repo} AND g.oid = q.oid LIMIT 1) o`;
const BY_OIDS = byOids('$1', '$2');

/** What `typesOf` knows of a stored object. */
export interface ObjectType {
  type: GitObjectType;
  size: number;
  /** A commit that is in the commit index (false for other types). */
  indexed: boolean;
}

/** An object row as a streamed read shows it (`streamMany`), valid during the call only: the bytes are the database driver's read buffer. */
export interface ObjectRowView {
  oid: Oid;
  type: GitObjectType;
  size: number;
  /** The stored (deflated) body is `bytes` from `start` to `end` when it lives in the row... */
  bytes: Buffer | null;
  start: number;
  end: number;
  /** ...else the object-store key of it. */
  storageKey: string | null;
}

/** What `streamMany` reads from a binary COPY, in its order. */
const STORED_ROW_FIELDS = 'o.oid::text, o.type::int4, o.size, o.body, o.storage_key';
/** Ids probed per streamed COPY when a range read did not cover them (the query text carries them). */
const PROBES_PER_COPY = 10_000;

/** Ids go into COPY query text (no parameters there): only well-formed ones. */
function checkIds(repoId: number, oids: readonly string[]): void {
  if (!Number.isSafeInteger(repoId) || oids.some((o) => !OID_PATTERN.test(o))) throw new Error('malformed repository or object id');
}

/**
 * A range read may pass over this many rows per id asked before a probe per id is the cheaper way
 * (100,000 probes take about 0.7 s, the range read of them about a tenth of that). The range is
 * not sorted: sorting it cost more than reading it.
 */
const SPAN_ROWS_PER_ID = 2;

/** Rows of `git_objects`: every query is scoped to one repository. */
@Injectable()
export class GitObjectsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insertMany(m: EntityManager, repoId: number, given: StoredObjectRow[]): Promise<void> {
    // One row per object: ON CONFLICT DO UPDATE refuses a statement that names a row twice (two
    // files with the same content in one commit).
    const rows = [...new Map(given.map((r) => [r.oid, r])).values()];
    // Batches keep each statement's parameter count well under PostgreSQL's limit.
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      const values: unknown[] = [];
      const tuples = batch.map((r, j) => {
        values.push(repoId, r.oid, PACK_TYPE[r.type], r.size, r.body, r.storageKey);
        const b = j * 6;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
      });
      await m.query(
        // Re-recording an old object renews it, so garbage collection waits for the push that sent it again.
        `INSERT INTO git_objects (repo_id, oid, type, size, body, storage_key) VALUES ${tuples.join(', ')}
         ON CONFLICT (repo_id, oid) DO UPDATE SET created_at = now() WHERE git_objects.created_at < now() - interval '${RENEW_AFTER_SECONDS} seconds'`,
        values,
      );
    }
  }

  /** Every object id of a repository recorded before `cutoff` (garbage collection's candidates). */
  async recordedBefore(m: EntityManager, repoId: number, cutoff: Date): Promise<Oid[]> {
    const rows: { oid: string }[] = await m.query(`SELECT oid FROM git_objects WHERE repo_id = $1 AND created_at < $2`, [repoId, cutoff]);
    return rows.map((r) => r.oid);
  }

  /** The stored (deflated) bodies of the repository's blobs of at most `maxBytes` (LFS pointers are among them). */
  async smallBlobBodies(m: EntityManager, repoId: number, maxBytes: number): Promise<Buffer[]> {
    const rows: { body: Buffer }[] = await m.query(
      `SELECT body FROM git_objects WHERE repo_id = $1 AND type = $2 AND size <= $3 AND body IS NOT NULL`,
      [repoId, PACK_TYPE.blob, maxBytes],
    );
    return rows.map((r) => r.body);
  }

  async copyAll(m: EntityManager, fromRepoId: number, toRepoId: number): Promise<void> {
    await m.query(
      `INSERT INTO git_objects (repo_id, oid, type, size, body, storage_key) SELECT $2, oid, type, size, body, storage_key FROM git_objects WHERE repo_id = $1`,
      [fromRepoId, toRepoId],
    );
  }

  async deleteMany(m: EntityManager, repoId: number, oids: Oid[]): Promise<void> {
    await m.query(`DELETE FROM git_objects WHERE repo_id = $1 AND oid = ANY($2::varchar(40)[])`, [repoId, oids]);
  }

  /** Of these object-store keys, the ones some repository's object still references (the sweep's question; across repositories). */
  async referencedKeys(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows: { key: string }[] = await this.db.query(`SELECT DISTINCT storage_key AS key FROM git_objects WHERE storage_key = ANY($1::text[])`, [keys]);
    return new Set(rows.map((r) => r.key));
  }

  async find(repoId: number, oid: Oid, m: EntityManager = this.db.manager): Promise<StoredObjectRow | null> {
    const rows = await m.query(
      `SELECT oid, type, size, body, storage_key AS "storageKey" FROM git_objects WHERE repo_id = $1 AND oid = $2`,
      [repoId, oid],
    );
    return rows[0] ? toRow(rows[0]) : null;
  }

  /** Types and sizes of many objects at once (tree listings). */
  async sizes(repoId: number, oids: Oid[]): Promise<Map<Oid, number>> {
    if (oids.length === 0) return new Map();
    const rows: { oid: string; size: number }[] = await this.db.query(
      `SELECT o.oid, o.size FROM ${BY_OIDS}`,
      [repoId, distinct(oids)],
    );
    return new Map(rows.map((r) => [r.oid, Number(r.size)]));
  }

  /** The rows (bodies included) of many objects; missing ones are simply absent. */
  async findMany(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<StoredObjectRow[]> {
    if (oids.length === 0) return [];
    const rows = await m.query(
      `SELECT o.oid, o.type, o.size, o.body, o.storage_key AS "storageKey" FROM ${BY_OIDS}`,
      [repoId, distinct(oids)],
    );
    return rows.map(toRow);
  }

  /**
   * `findMany` for bulk reads outside a transaction (the tree walk of upload-pack): `streamMany`
   * collected, so bodies arrive as raw bytes of a binary COPY instead of hex text (see
   * pg-binary-copy.ts), by the same range read and probes.
   */
  async readMany(repoId: number, oids: Oid[]): Promise<StoredObjectRow[]> {
    const out: StoredObjectRow[] = [];
    // The body is copied out of the view: node-pg reuses its read buffer.
    const rows = this.streamMany(repoId, new Set(oids), Infinity, (o): StoredObjectRow => ({
      oid: o.oid,
      type: o.type,
      size: o.size,
      body: o.bytes ? Buffer.from(o.bytes.subarray(o.start, o.end)) : null,
      storageKey: o.storageKey,
    }));
    for await (const batch of rows) for (const row of batch) out.push(row);
    return out;
  }

  /**
   * Many objects, in whatever order the database reads them, as they arrive: each found row goes
   * to `visit` (a view valid during the call only, so that a pack can take the stored bytes
   * without an intermediate copy), and what `visit` returns comes out in batches, one whenever rows
   * that took about `batchBytes` of COPY data were read (the next ones are read meanwhile, up to
   * that bound: memory stays bounded by bytes whatever the bodies weigh). First one streamed read
   * of the primary key range the ids span, cut at SPAN_ROWS_PER_ID rows per id (a clone asks for
   * most of a repository: no lengths asked first, no sort, no probe per id); the ids it did not
   * return are probed, streamed the same way. Each id is visited once. `wanted` is used up: an id
   * leaves it when its row is found, so what it holds at the end (returned) was not found.
   */
  async *streamMany<T>(repoId: number, wanted: Set<Oid>, batchBytes: number, visit: (o: ObjectRowView) => T | undefined): AsyncGenerator<T[], Set<Oid>, undefined> {
    if (wanted.size === 0) return wanted;
    let low = wanted.values().next().value!;
    let high = low;
    for (const oid of wanted) {
      if (oid < low) low = oid;
      else if (oid > high) high = oid;
    }
    checkIds(repoId, [low, high]);
    const limit = wanted.size * SPAN_ROWS_PER_ID + 16;
    let spanned = 0;
    const view: ObjectRowView = { oid: '', type: 'blob', size: 0, bytes: null, start: 0, end: 0, storageKey: null };
    const pick = (row: CopyRow): T | undefined => {
      spanned++;
      const oid = row.latin1(0);
      if (!wanted.delete(oid)) return undefined;
      view.oid = oid;
      view.type = TYPE_BY_PACK[row.int32(1)];
      view.size = row.int64(2);
      view.bytes = row.isNull(3) ? null : row.buf;
      view.start = row.start(3);
      view.end = row.end(3);
      view.storageKey = row.isNull(4) ? null : row.utf8(4);
      return visit(view);
    };
    const span = `(SELECT * FROM git_objects g WHERE g.repo_id = ${repoId} AND g.oid BETWEEN '${low}' AND '${high}' LIMIT ${limit}) o`;
    yield* this.copyStream(`SELECT ${STORED_ROW_FIELDS} FROM ${span}`, pick, batchBytes);
    if (spanned < limit || wanted.size === 0) return wanted;
    const rest = [...wanted];
    checkIds(repoId, rest);
    for (let i = 0; i < rest.length; i += PROBES_PER_COPY) {
      const ids = `'{${rest.slice(i, i + PROBES_PER_COPY).join(',')}}'`;
      yield* this.copyStream(`SELECT ${STORED_ROW_FIELDS} FROM ${byOids(String(repoId), ids)}`, pick, batchBytes);
    }
    return wanted;
  }

  /** A binary COPY of a query (no parameters) streamed in batches of mapped rows, on a connection of its own (see BinaryCopyStream). */
  private async *copyStream<T>(select: string, map: (row: CopyRow) => T | undefined, batchBytes: number): AsyncGenerator<T[], void, undefined> {
    const runner = this.db.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      const copy = new BinaryCopyStream(`COPY (${select}) TO STDOUT (FORMAT binary)`, map, batchBytes);
      client.query(copy);
      try {
        yield* copy;
      } finally {
        await copy.drained();
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Types and sizes of many objects, without their bodies; missing ones are absent. `indexed`:
   * a commit is also in the commit index (a stored commit may not be yet: see PushEngine.connect).
   * One statement for both, which is what a push's connectivity check and a fetch's wants ask.
   */
  async typesOf(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Map<Oid, ObjectType>> {
    if (oids.length === 0) return new Map();
    const rows: { oid: string; type: number; size: string | number; indexed: boolean }[] = await m.query(
      `SELECT o.oid, o.type, o.size, o.type = ${PACK_TYPE.commit} AND EXISTS (SELECT 1 FROM git_commits c WHERE c.repo_id = $1 AND c.oid = o.oid) AS indexed FROM ${BY_OIDS}`,
      [repoId, distinct(oids)],
    );
    return new Map(rows.map((r) => [r.oid, { type: TYPE_BY_PACK[r.type], size: Number(r.size), indexed: r.indexed }]));
  }

  async existing(repoId: number, oids: Oid[], m: EntityManager = this.db.manager): Promise<Set<Oid>> {
    if (oids.length === 0) return new Set();
    const rows: { oid: string }[] = await m.query(`SELECT o.oid FROM ${BY_OIDS}`, [repoId, distinct(oids)]);
    return new Set(rows.map((r) => r.oid));
  }
}

function toRow(r: { oid: string; type: number; size: string | number; body: Buffer | null; storageKey: string | null }): StoredObjectRow {
  return { oid: r.oid, type: TYPE_BY_PACK[r.type], size: Number(r.size), body: r.body, storageKey: r.storageKey };
}

/** Each id once: the `unnest` join returns a row per id given. */
function distinct(oids: Oid[]): Oid[] {
  return oids.length < 2 ? oids : [...new Set(oids)];
}
