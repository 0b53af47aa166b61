import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool behind TypeORM's DataSource: for the hot read paths' named prepared statements,
 * sent straight on it with no TypeORM query runner per call.
 */
export function driverPool(db: DataSource): Pool {
  return (db.driver as unknown as { master: Pool }).master;
}
