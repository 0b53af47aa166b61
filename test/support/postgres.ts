import { Client } from 'pg';

/**
 * The PostgreSQL the tests use: HANGAR_TEST_DATABASE_URL (CI: Debian's PostgreSQL 15) or, when
 * unset, an embedded one that the global setup starts. Each test file gets its own database,
 * cloned from a migrated template, so files never see each other's rows. The template is named
 * per jest run, so two runs (two worktrees) on one PostgreSQL do not drop each other's.
 */
export function templateDb(): string {
  return process.env.HANGAR_TEST_TEMPLATE_DB ?? 'hangar_test_template';
}

export function adminUrl(): string {
  const url = process.env.HANGAR_TEST_PG_ADMIN_URL;
  if (!url) throw new Error('HANGAR_TEST_PG_ADMIN_URL is unset: the jest global setup did not run');
  return url;
}

export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdminClient<T>(work: (c: Client) => Promise<T>, url = adminUrl()): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template; returns its URL. */
export async function createTestDatabase(prefix = 't'): Promise<{ url: string; name: string }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDb()}"`));
  return { url: databaseUrl(adminUrl(), name), name };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
