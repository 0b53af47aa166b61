import { MigrationInterface, QueryRunner } from 'typeorm';

/** The hourly cleanup deletes login-throttle rows by the start of their window. */
export class LoginThrottleWindowIndex1796411243524 implements MigrationInterface {
  name = 'LoginThrottleWindowIndex1796411243524';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX login_throttle_window_start_idx ON login_throttle (window_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS login_throttle_window_start_idx`);
  }
}
