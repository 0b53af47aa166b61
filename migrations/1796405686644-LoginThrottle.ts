import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed sign-ins per account name and per client address, shared by every node: a key that
 * fails too often is locked for a growing time (429 + Retry-After).
 */
export class LoginThrottle1796405686644 implements MigrationInterface {
  name = 'LoginThrottle1796405686644';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        key varchar(320) PRIMARY KEY,
        failures integer NOT NULL,
        window_start timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS login_throttle`);
  }
}
