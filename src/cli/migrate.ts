import { loadConfig } from '../core/config/config';
import { startEmbeddedPostgres } from '../core/database/embedded-postgres';
import { runMigrations } from '../core/database/migrate';

/**
 * `npm run migrate`: applies pending migrations to HANGAR_DATABASE_URL, or to the embedded
 * PostgreSQL under HANGAR_DATA_DIR when unset. (Hangar also migrates at every start.)
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.database.url
    ? null
    : await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, (m) => process.stderr.write(`${m}\n`));
  try {
    const applied = await runMigrations(config.database.url ?? embedded!.url);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'no pending migrations\n');
  } finally {
    await embedded?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
