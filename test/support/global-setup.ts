import { chmodSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../../src/core/database/embedded-postgres';
import { runMigrations } from '../../src/core/database/migrate';
import { databaseUrl, withAdminClient } from './postgres';

/**
 * Once per jest run: pick the PostgreSQL (CI's, or an embedded one started here) and build the
 * migrated template database every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  let admin = process.env.HANGAR_TEST_DATABASE_URL;
  if (!admin) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-test-pg-'));
    // When run as root, PostgreSQL runs as the `postgres` user, which must reach the directory.
    chmodSync(dir, 0o755);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const pg = await startEmbeddedPostgres(dir, port, () => undefined);
    (globalThis as { __hangarEmbeddedPg?: unknown }).__hangarEmbeddedPg = pg;
    admin = databaseUrl(pg.url, 'postgres');
    process.stderr.write(`\n[test] embedded PostgreSQL on port ${port}\n`);
  } else {
    process.stderr.write(`\n[test] PostgreSQL from HANGAR_TEST_DATABASE_URL\n`);
  }
  process.env.HANGAR_TEST_PG_ADMIN_URL = admin;
  const TEMPLATE_DB = `hangar_test_template_${process.pid}`;
  process.env.HANGAR_TEST_TEMPLATE_DB = TEMPLATE_DB;
  await withAdminClient(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${TEMPLATE_DB}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${TEMPLATE_DB}"`);
  }, admin);
  await runMigrations(databaseUrl(admin, TEMPLATE_DB));
}
