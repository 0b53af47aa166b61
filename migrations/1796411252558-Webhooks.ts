import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks (owned by a user or an organization), what they watch, and their outbox: one
 * delivery row per webhook and event, written in the transaction of the change that caused it,
 * claimed by the senders with FOR UPDATE SKIP LOCKED; every attempt is kept (the activity log).
 */
export class Webhooks1796411252558 implements MigrationInterface {
  name = 'Webhooks1796411252558';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhooks (
        id bigserial PRIMARY KEY,
        public_id char(24) NOT NULL UNIQUE,
        owner_id bigint NOT NULL REFERENCES namespaces (id) ON DELETE CASCADE,
        created_by bigint NULL REFERENCES users (id) ON DELETE SET NULL,
        url varchar(2048) NOT NULL,
        secret varchar(1024) NULL,
        domains text[] NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        -- Where the payload's links point: the public base URL of the request that last set the URL.
        links_base_url varchar(2048) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhooks_owner_idx ON webhooks (owner_id)`);
    await q.query(`
      CREATE TABLE webhook_watched (
        webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        position smallint NOT NULL,
        namespace_id bigint NULL REFERENCES namespaces (id) ON DELETE CASCADE,
        repo_id bigint NULL REFERENCES repositories (id) ON DELETE CASCADE,
        PRIMARY KEY (webhook_id, position),
        CHECK ((namespace_id IS NULL) <> (repo_id IS NULL))
      )`);
    await q.query(`CREATE INDEX webhook_watched_namespace_idx ON webhook_watched (namespace_id) WHERE namespace_id IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_watched_repo_idx ON webhook_watched (repo_id) WHERE repo_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        public_id char(24) NOT NULL UNIQUE,
        webhook_id bigint NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        -- No foreign key: a deleted repository's "delete" event outlives it.
        repo_id bigint NOT NULL,
        -- Events of one transaction on one repository's refs fold into one payload (updatedRefs).
        txid bigint NOT NULL DEFAULT txid_current(),
        merge_key varchar(64) NULL,
        payload jsonb NOT NULL,
        status varchar(9) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        replay_of bigint NULL REFERENCES webhook_deliveries (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC)`);
    await q.query(`CREATE INDEX webhook_deliveries_finished_idx ON webhook_deliveries (finished_at) WHERE finished_at IS NOT NULL`);
    await q.query(`CREATE INDEX webhook_deliveries_fold_idx ON webhook_deliveries (txid, webhook_id, repo_id, merge_key) WHERE merge_key IS NOT NULL`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        latency_ms integer NOT NULL,
        status_code integer NULL,
        error varchar(500) NULL,
        response_excerpt varchar(1024) NULL
      )`);
    await q.query(`CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_delivery_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_watched`);
    await q.query(`DROP TABLE IF EXISTS webhooks`);
  }
}
