import { withAdminClient } from './postgres';

/** Drops this run's template database; stops the embedded PostgreSQL when the global setup started one. */
export default async function globalTeardown(): Promise<void> {
  const template = process.env.HANGAR_TEST_TEMPLATE_DB;
  if (template) await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`)).catch(() => undefined);
  const pg = (globalThis as { __hangarEmbeddedPg?: { stop(): Promise<void> } }).__hangarEmbeddedPg;
  if (pg) await pg.stop();
}
