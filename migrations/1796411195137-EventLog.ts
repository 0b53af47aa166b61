import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The admin event stream's log: what happened (admin actions, accounts and repositories created
 * or deleted, ref updates, quota refusals, failed sign-ins), written in the change's transaction
 * where there is one and announced with NOTIFY. Its id is the SSE event id (Last-Event-ID
 * replays from here); a scheduled job prunes old rows.
 */
export class EventLog1796411195137 implements MigrationInterface {
  name = 'EventLog1796411195137';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_log (
        id bigserial PRIMARY KEY,
        type varchar(64) NOT NULL,
        actor varchar(256) NULL,
        target varchar(512) NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX event_log_created_at_idx ON event_log (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS event_log`);
  }
}
