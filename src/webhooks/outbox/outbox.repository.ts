import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { DeliveryAttempt, DeliveryRecord, DeliveryStatus } from '../webhook.types';
import type { Payload } from './webhook-payloads';

/** The channel every node LISTENs on; a NOTIFY in a change's transaction arrives when it commits. */
export const WEBHOOK_CHANNEL = 'hangar_webhooks';

/** A delivery claimed for sending, with where it goes. */
export interface ClaimedDelivery {
  id: number;
  publicId: string;
  payload: Payload;
  attempts: number;
  webhookPublicId: string;
  url: string;
  secret: string | null;
  linksBaseUrl: string;
}

const DELIVERY_COLUMNS = `d.id, d.public_id AS "publicId", d.webhook_id AS "webhookId", d.status, d.attempts, d.next_attempt_at AS "nextAttemptAt",
  d.created_at AS "createdAt", d.finished_at AS "finishedAt", d.payload, (SELECT public_id FROM webhook_deliveries o WHERE o.id = d.replay_of) AS "replayOf"`;
const ATTEMPT_COLUMNS = `a.attempt, a.started_at AS "startedAt", a.latency_ms AS "latencyMs", a.status_code AS "statusCode", a.error, a.response_excerpt AS "responseExcerpt"`;

/** The outbox: `webhook_deliveries` and their attempts (the activity log). */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Queues `payload` for a webhook in the change's transaction. With `fold.set`, an earlier row
   * of the same transaction, webhook, repository and `fold.key` takes it instead (`set`: a jsonb
   * expression of `payload` and `$4`, `fold.value` as JSON), so one push is one payload. The row
   * written keeps `insertKey` (default: `key`) for later folds.
   */
  async add(m: EntityManager, webhookId: number, repoId: number, payload: Payload, fold?: { key: string; set?: string; value?: unknown; insertKey?: string | null }): Promise<void> {
    if (fold?.set) {
      const [, folded] = await m.query(
        `UPDATE webhook_deliveries SET payload = ${fold.set}
          WHERE txid = txid_current() AND webhook_id = $1 AND repo_id = $2 AND merge_key = $3 AND status = 'pending'`,
        [webhookId, repoId, fold.key, JSON.stringify(fold.value)],
      );
      if (folded > 0) return;
    }
    await m.query(`INSERT INTO webhook_deliveries (public_id, webhook_id, repo_id, merge_key, payload) VALUES ($1, $2, $3, $4, $5)`, [
      randomBytes(12).toString('hex'),
      webhookId,
      repoId,
      fold ? (fold.insertKey === undefined ? fold.key : fold.insertKey) : null,
      JSON.stringify(payload),
    ]);
    await m.query(`SELECT pg_notify($1, '')`, [WEBHOOK_CHANNEL]);
  }

  /**
   * Claims the most overdue delivery of an enabled webhook in `m`'s transaction, skipping rows
   * another sender holds: each delivery is sent by one sender at a time, whatever the nodes.
   */
  async claim(m: EntityManager): Promise<ClaimedDelivery | null> {
    const rows = await m.query(
      `SELECT d.id, d.public_id AS "publicId", d.payload, d.attempts, w.public_id AS "webhookPublicId", w.url, w.secret, w.links_base_url AS "linksBaseUrl"
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND NOT w.disabled
        ORDER BY d.next_attempt_at, d.id LIMIT 1
          FOR UPDATE OF d SKIP LOCKED`,
    );
    if (!rows[0]) return null;
    const r = rows[0];
    return { ...r, id: Number(r.id), publicId: r.publicId.trim(), webhookPublicId: r.webhookPublicId.trim() };
  }

  /** Records an attempt and what follows: delivered, failed for good, or retried after `retryInMs`. */
  async recordAttempt(m: EntityManager, d: ClaimedDelivery, a: Omit<DeliveryAttempt, 'attempt'>, next: { status: DeliveryStatus; retryInMs: number }): Promise<void> {
    await m.query(
      `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, latency_ms, status_code, error, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [d.id, d.attempts + 1, a.startedAt, a.latencyMs, a.statusCode, a.error?.slice(0, 500) ?? null, a.responseExcerpt?.slice(0, 1024) ?? null],
    );
    await m.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2::varchar,
         next_attempt_at = CASE WHEN $2::varchar = 'pending' THEN now() + make_interval(secs => $3::double precision / 1000) ELSE next_attempt_at END,
         finished_at = CASE WHEN $2::varchar = 'pending' THEN NULL ELSE now() END
       WHERE id = $1`,
      [d.id, next.status, next.retryInMs],
    );
  }

  /** When the next pending delivery of an enabled webhook that no sender holds is due (null: none). */
  async nextDue(): Promise<Date | null> {
    const [r] = await this.db.query(
      `SELECT d.next_attempt_at AS due FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.status = 'pending' AND NOT w.disabled ORDER BY d.next_attempt_at LIMIT 1 FOR KEY SHARE OF d SKIP LOCKED`,
    );
    return r?.due ?? null;
  }

  /** A webhook's deliveries, newest first, each with its last attempt. */
  async list(webhookId: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db.query(
      `SELECT ${DELIVERY_COLUMNS},
              (SELECT row_to_json(x) FROM (SELECT ${ATTEMPT_COLUMNS} FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id ORDER BY a.attempt DESC LIMIT 1) x) AS "lastAttempt"
         FROM webhook_deliveries d WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2`,
      [webhookId, limit],
    );
    return rows.map(normalise);
  }

  async find(webhookId: number, publicId: string): Promise<(DeliveryRecord & { attemptLog: DeliveryAttempt[] }) | null> {
    const rows = await this.db.query(`SELECT ${DELIVERY_COLUMNS}, NULL AS "lastAttempt" FROM webhook_deliveries d WHERE d.webhook_id = $1 AND d.public_id = $2`, [webhookId, publicId]);
    if (!rows[0]) return null;
    const attempts: DeliveryAttempt[] = await this.db.query(`SELECT ${ATTEMPT_COLUMNS} FROM webhook_delivery_attempts a WHERE a.delivery_id = $1 ORDER BY a.attempt`, [rows[0].id]);
    const d = normalise(rows[0]);
    return { ...d, lastAttempt: attempts[attempts.length - 1] ?? null, attemptLog: attempts };
  }

  /** Deletes deliveries (and their attempts) finished before `cutoff`; returns how many. */
  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    const [, deleted] = await this.db.query(`DELETE FROM webhook_deliveries WHERE finished_at IS NOT NULL AND finished_at < $1`, [cutoff]);
    return Number(deleted);
  }

  /** A new delivery of a past one's payload (to the webhook's current URL and secret), due now. */
  async replay(webhookId: number, original: number): Promise<string> {
    const publicId = randomBytes(12).toString('hex');
    await this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO webhook_deliveries (public_id, webhook_id, repo_id, payload, replay_of)
         SELECT $1, webhook_id, repo_id, payload, id FROM webhook_deliveries WHERE id = $2 AND webhook_id = $3`,
        [publicId, original, webhookId],
      );
      await m.query(`SELECT pg_notify($1, '')`, [WEBHOOK_CHANNEL]);
    });
    return publicId;
  }
}

function normalise(r: Record<string, unknown>): DeliveryRecord {
  return {
    id: Number(r.id),
    publicId: String(r.publicId).trim(),
    webhookId: Number(r.webhookId),
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: r.nextAttemptAt as Date,
    createdAt: r.createdAt as Date,
    finishedAt: (r.finishedAt as Date | null) ?? null,
    replayOf: r.replayOf ? String(r.replayOf).trim() : null,
    payload: r.payload as Record<string, unknown>,
    lastAttempt: (r.lastAttempt as DeliveryAttempt | null) ?? null,
  };
}
