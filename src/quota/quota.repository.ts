import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface NamespaceUsage {
  id: number;
  name: string;
  isOrg: boolean;
  privateQuotaBytes: number | null;
  publicQuotaBytes: number | null;
  privateUsedBytes: number;
  publicUsedBytes: number;
}

export interface RepoUsage {
  id: number;
  type: string;
  name: string;
  namespaceId: number;
  private: boolean;
  quotaBytes: number | null;
  usedBytes: number;
  createdAt: Date;
}

/** A counter recalculation found wrong, and what it holds now. */
export interface Correction {
  what: string;
  was: number;
  now: number;
}

const NS_COLUMNS = `n.id, n.name, n.kind = 'org' AS "isOrg",
  COALESCE(u.private_quota_bytes, o.private_quota_bytes) AS "privateQuotaBytes",
  COALESCE(u.public_quota_bytes, o.public_quota_bytes) AS "publicQuotaBytes",
  COALESCE(u.private_used_bytes, o.private_used_bytes) AS "privateUsedBytes",
  COALESCE(u.public_used_bytes, o.public_used_bytes) AS "publicUsedBytes"`;
const NS_FROM = `namespaces n LEFT JOIN users u ON u.id = n.id LEFT JOIN organizations o ON o.id = n.id`;
const REPO_COLUMNS = `r.id, r.type, r.name, r.namespace_id AS "namespaceId", r.private, r.quota_bytes AS "quotaBytes",
  r.used_bytes AS "usedBytes", r.created_at AS "createdAt"`;

/** What every repository of a namespace really holds (the definition of usage; see README "Quotas"). */
const TRUE_REPO_USAGE = `
  SELECT r.id, r.used_bytes::bigint AS was,
         (COALESCE((SELECT sum(g.size) FROM git_objects g WHERE g.repo_id = r.id), 0) +
          COALESCE((SELECT sum(o.size) FROM repo_lfs_objects ro JOIN lfs_objects o ON o.oid = ro.oid
                     WHERE ro.repo_id = r.id AND ro.committed), 0))::bigint AS now
    FROM repositories r WHERE r.namespace_id = $1`;

/** Quota and usage rows: namespaces (users, organizations) and repositories. */
@Injectable()
export class QuotaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async namespace(name: string, m: EntityManager = this.db.manager): Promise<NamespaceUsage | null> {
    const rows = await m.query(`SELECT ${NS_COLUMNS} FROM ${NS_FROM} WHERE lower(n.name) = lower($1)`, [name]);
    return rows[0] ? nsRow(rows[0]) : null;
  }

  async namespaceById(id: number, m: EntityManager = this.db.manager): Promise<NamespaceUsage | null> {
    const rows = await m.query(`SELECT ${NS_COLUMNS} FROM ${NS_FROM} WHERE n.id = $1`, [id]);
    return rows[0] ? nsRow(rows[0]) : null;
  }

  async setNamespaceQuota(ns: NamespaceUsage, privateBytes: number | null, publicBytes: number | null): Promise<void> {
    await this.db.query(`UPDATE ${ns.isOrg ? 'organizations' : 'users'} SET private_quota_bytes = $2, public_quota_bytes = $3 WHERE id = $1`, [
      ns.id,
      privateBytes,
      publicBytes,
    ]);
  }

  async repos(namespaceId: number): Promise<RepoUsage[]> {
    const rows = await this.db.query(`SELECT ${REPO_COLUMNS} FROM repositories r WHERE r.namespace_id = $1 ORDER BY r.used_bytes DESC, r.id`, [namespaceId]);
    return rows.map(repoRow);
  }

  async repo(id: number): Promise<RepoUsage | null> {
    const rows = await this.db.query(`SELECT ${REPO_COLUMNS} FROM repositories r WHERE r.id = $1`, [id]);
    return rows[0] ? repoRow(rows[0]) : null;
  }

  async setRepoQuota(id: number, bytes: number | null): Promise<void> {
    await this.db.query(`UPDATE repositories SET quota_bytes = $2 WHERE id = $1`, [id, bytes]);
  }

  /** Every namespace's id, for a repair of all of them. */
  async allNamespaceIds(): Promise<number[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM namespaces ORDER BY id`);
    return rows.map((r) => Number(r.id));
  }

  async namespaceIdsWithRepos(filter: { repoType?: string; namespace?: string }): Promise<number[]> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT DISTINCT r.namespace_id AS id FROM repositories r JOIN namespaces n ON n.id = r.namespace_id
        WHERE ($1::text IS NULL OR r.type = $1) AND ($2::text IS NULL OR lower(n.name) = lower($2)) ORDER BY 1`,
      [filter.repoType ?? null, filter.namespace ?? null],
    );
    return rows.map((r) => Number(r.id));
  }

  /**
   * Recounts a namespace and fixes the counters that disagree. Locks its repositories, then the
   * namespace (the triggers' order), so writers wait and then add their change to the fixed value.
   */
  recalculate(namespaceId: number): Promise<Correction[]> {
    return this.db.transaction(async (m) => {
      await m.query(`SELECT id FROM repositories WHERE namespace_id = $1 ORDER BY id FOR NO KEY UPDATE`, [namespaceId]);
      const ns = await this.namespaceById(namespaceId, m);
      if (!ns) return [];
      const table = ns.isOrg ? 'organizations' : 'users';
      await m.query(`SELECT id FROM ${table} WHERE id = $1 FOR NO KEY UPDATE`, [namespaceId]);
      const corrections: Correction[] = [];
      const counted: { id: string; was: string; now: string }[] = await m.query(TRUE_REPO_USAGE, [namespaceId]);
      for (const r of counted) {
        if (r.was === r.now) continue;
        await m.query(`UPDATE repositories SET used_bytes = $2 WHERE id = $1`, [r.id, r.now]);
        corrections.push({ what: `repository ${r.id}`, was: Number(r.was), now: Number(r.now) });
      }
      const [sums] = await m.query(
        `SELECT COALESCE(sum(used_bytes) FILTER (WHERE private), 0)::bigint AS private, COALESCE(sum(used_bytes) FILTER (WHERE NOT private), 0)::bigint AS public
           FROM repositories WHERE namespace_id = $1`,
        [namespaceId],
      );
      const privateNow = Number(sums.private);
      const publicNow = Number(sums.public);
      if (privateNow !== ns.privateUsedBytes) corrections.push({ what: `${ns.name} private`, was: ns.privateUsedBytes, now: privateNow });
      if (publicNow !== ns.publicUsedBytes) corrections.push({ what: `${ns.name} public`, was: ns.publicUsedBytes, now: publicNow });
      if (privateNow !== ns.privateUsedBytes || publicNow !== ns.publicUsedBytes) {
        await m.query(`UPDATE ${table} SET private_used_bytes = $2, public_used_bytes = $3 WHERE id = $1`, [namespaceId, privateNow, publicNow]);
      }
      return corrections;
    });
  }

  /** Namespaces by total usage, and the system's totals (admin overview). */
  async top(limit: number): Promise<NamespaceUsage[]> {
    const rows = await this.db.query(
      `SELECT ${NS_COLUMNS} FROM ${NS_FROM}
        ORDER BY COALESCE(u.private_used_bytes + u.public_used_bytes, o.private_used_bytes + o.public_used_bytes) DESC, n.id LIMIT $1`,
      [limit],
    );
    return rows.map(nsRow);
  }

  async overQuotaNamespaces(): Promise<NamespaceUsage[]> {
    const rows = await this.db.query(
      `SELECT * FROM (SELECT ${NS_COLUMNS} FROM ${NS_FROM}) x
        WHERE x."privateUsedBytes" > x."privateQuotaBytes" OR x."publicUsedBytes" > x."publicQuotaBytes" ORDER BY x.name`,
    );
    return rows.map(nsRow);
  }

  async overQuotaRepos(): Promise<(RepoUsage & { namespace: string })[]> {
    const rows = await this.db.query(
      `SELECT ${REPO_COLUMNS}, n.name AS namespace FROM repositories r JOIN namespaces n ON n.id = r.namespace_id
        WHERE r.used_bytes > r.quota_bytes ORDER BY r.used_bytes DESC`,
    );
    return rows.map((r: Record<string, unknown>) => ({ ...repoRow(r), namespace: String(r.namespace) }));
  }

  /** Logical (charged) bytes by bucket, and physical bytes in the stores. */
  async systemStorage(): Promise<{ privateUsed: number; publicUsed: number; lfsPhysical: number; xetPhysical: number; gitPhysical: number }> {
    const [row] = await this.db.query(`
      SELECT (SELECT COALESCE(sum(used_bytes) FILTER (WHERE private), 0) FROM repositories)::bigint AS "privateUsed",
             (SELECT COALESCE(sum(used_bytes) FILTER (WHERE NOT private), 0) FROM repositories)::bigint AS "publicUsed",
             (SELECT COALESCE(sum(size), 0) FROM lfs_objects WHERE storage_key IS NOT NULL)::bigint AS "lfsPhysical",
             (SELECT COALESCE(sum(size), 0) FROM xet_xorbs)::bigint AS "xetPhysical",
             (SELECT COALESCE(sum(DISTINCT_SIZE.size), 0) FROM (SELECT DISTINCT ON (oid) oid, size FROM git_objects) DISTINCT_SIZE)::bigint AS "gitPhysical"`);
    return {
      privateUsed: Number(row.privateUsed),
      publicUsed: Number(row.publicUsed),
      lfsPhysical: Number(row.lfsPhysical),
      xetPhysical: Number(row.xetPhysical),
      gitPhysical: Number(row.gitPhysical),
    };
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function nsRow(r: Record<string, unknown>): NamespaceUsage {
  return {
    id: Number(r.id),
    name: String(r.name),
    isOrg: Boolean(r.isOrg),
    privateQuotaBytes: num(r.privateQuotaBytes),
    publicQuotaBytes: num(r.publicQuotaBytes),
    privateUsedBytes: Number(r.privateUsedBytes ?? 0),
    publicUsedBytes: Number(r.publicUsedBytes ?? 0),
  };
}

function repoRow(r: Record<string, unknown>): RepoUsage {
  return {
    id: Number(r.id),
    type: String(r.type),
    name: String(r.name),
    namespaceId: Number(r.namespaceId),
    private: Boolean(r.private),
    quotaBytes: num(r.quotaBytes),
    usedBytes: Number(r.usedBytes),
    createdAt: r.createdAt as Date,
  };
}
