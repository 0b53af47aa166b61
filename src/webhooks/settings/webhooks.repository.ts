import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { WatchedItem, WatchedTarget, WebhookDomain, WebhookRecord } from '../webhook.types';

const COLUMNS = `w.id, w.public_id AS "publicId", w.owner_id AS "ownerId", o.name AS owner, o.kind AS "ownerKind", w.url, w.secret,
  w.domains, w.disabled, w.links_base_url AS "linksBaseUrl", w.created_at AS "createdAt",
  COALESCE((SELECT json_agg(json_build_object('type', CASE WHEN x.repo_id IS NULL THEN wn.kind ELSE r.type END,
                                              'name', CASE WHEN x.repo_id IS NULL THEN wn.name ELSE rn.name || '/' || r.name END) ORDER BY x.position)
              FROM webhook_watched x
              LEFT JOIN namespaces wn ON wn.id = x.namespace_id
              LEFT JOIN repositories r ON r.id = x.repo_id
              LEFT JOIN namespaces rn ON rn.id = r.namespace_id
             WHERE x.webhook_id = w.id), '[]'::json) AS watched`;
const FROM = `webhooks w JOIN namespaces o ON o.id = w.owner_id`;

/** A webhook that hears of a change, and who owns it. */
export interface WebhookWatcher {
  id: number;
  ownerId: number;
  ownerKind: 'user' | 'org';
}

export interface WebhookChanges {
  url?: string;
  linksBaseUrl?: string;
  secret?: string | null;
  domains?: WebhookDomain[];
  disabled?: boolean;
  watched?: WatchedTarget[];
}

/** Queries over `webhooks` and `webhook_watched`. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findByPublicId(publicId: string): Promise<WebhookRecord | null> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE w.public_id = $1`, [publicId]);
    return rows[0] ? normalise(rows[0]) : null;
  }

  async listOwnedBy(ownerIds: number[]): Promise<WebhookRecord[]> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE w.owner_id = ANY($1::bigint[]) ORDER BY w.id`, [ownerIds]);
    return rows.map(normalise);
  }

  async insert(w: { ownerId: number; createdBy: number; url: string; linksBaseUrl: string; secret: string | null; domains: WebhookDomain[]; watched: WatchedTarget[] }): Promise<string> {
    const publicId = randomBytes(12).toString('hex');
    await this.db.transaction(async (m) => {
      const [row] = await m.query(
        `INSERT INTO webhooks (public_id, owner_id, created_by, url, links_base_url, secret, domains) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [publicId, w.ownerId, w.createdBy, w.url, w.linksBaseUrl, w.secret, w.domains],
      );
      await this.setWatched(m, Number(row.id), w.watched);
    });
    return publicId;
  }

  async update(id: number, c: WebhookChanges): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(
        `UPDATE webhooks SET url = COALESCE($2, url), links_base_url = COALESCE($3, links_base_url),
           secret = CASE WHEN $4::boolean THEN $5 ELSE secret END, domains = COALESCE($6, domains),
           disabled = COALESCE($7, disabled), updated_at = now() WHERE id = $1`,
        [id, c.url ?? null, c.linksBaseUrl ?? null, c.secret !== undefined, c.secret ?? null, c.domains ?? null, c.disabled ?? null],
      );
      if (c.watched) await this.setWatched(m, id, c.watched);
    });
  }

  async delete(id: number): Promise<void> {
    await this.db.query(`DELETE FROM webhooks WHERE id = $1`, [id]);
  }

  /**
   * The enabled webhooks on `domain` that watch the repository, its owner (looked up here: one
   * statement tells a change that nothing watches, before the caller loads anything) or one of
   * `namespaceIds` (for a move, the old and the new owner), with their owners, read in the
   * change's transaction.
   */
  async watching(m: EntityManager, domain: WebhookDomain, repoId: number, namespaceIds: number[] = []): Promise<WebhookWatcher[]> {
    const rows: { id: string; ownerId: string; ownerKind: 'user' | 'org' }[] = await m.query(
      `SELECT DISTINCT w.id, w.owner_id AS "ownerId", o.kind AS "ownerKind"
         FROM webhook_watched x JOIN ${FROM} ON w.id = x.webhook_id
        WHERE (x.repo_id = $2 OR x.namespace_id = (SELECT namespace_id FROM repositories WHERE id = $2) OR x.namespace_id = ANY ($3::bigint[]))
          AND NOT w.disabled AND $1 = ANY (w.domains)
        ORDER BY w.id`,
      [domain, repoId, namespaceIds],
    );
    return rows.map((r) => ({ id: Number(r.id), ownerId: Number(r.ownerId), ownerKind: r.ownerKind }));
  }

  private async setWatched(m: EntityManager, id: number, watched: WatchedTarget[]): Promise<void> {
    await m.query(`DELETE FROM webhook_watched WHERE webhook_id = $1`, [id]);
    if (!watched.length) return;
    await m.query(
      `INSERT INTO webhook_watched (webhook_id, position, namespace_id, repo_id)
       SELECT $1, p - 1, ns, repo FROM unnest($2::bigint[], $3::bigint[]) WITH ORDINALITY AS t(ns, repo, p)`,
      [id, watched.map((w) => w.namespaceId ?? null), watched.map((w) => w.repoId ?? null)],
    );
  }
}

function normalise(r: Record<string, unknown>): WebhookRecord {
  return {
    id: Number(r.id),
    publicId: String(r.publicId).trim(),
    ownerId: Number(r.ownerId),
    owner: r.owner as string,
    ownerKind: r.ownerKind as 'user' | 'org',
    url: r.url as string,
    secret: r.secret as string | null,
    domains: r.domains as WebhookDomain[],
    disabled: r.disabled as boolean,
    linksBaseUrl: r.linksBaseUrl as string,
    watched: r.watched as WatchedItem[],
    createdAt: r.createdAt as Date,
  };
}
