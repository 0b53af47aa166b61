import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createHangarApp } from './app-setup';
import { ConfigError, HangarConfig, loadConfig } from './core/config/config';
import { withResolvedSecret } from './core/config/secret';
import { EmbeddedDatabase, startEmbeddedPostgres } from './core/database/embedded-postgres';
import { runMigrations } from './core/database/migrate';

/** Boot: validate config, bring up the database (embedded when no URL), migrate, serve. */
async function bootstrap(): Promise<void> {
  const startedAt = Date.now();
  let config: HangarConfig;
  try {
    config = withResolvedSecret(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hangar: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, (m) => process.stderr.write(`${m}\n`));
    databaseUrl = embedded.url;
  }
  const applied = await runMigrations(databaseUrl);

  const app = await createHangarApp(config, databaseUrl);
  await app.listen(config.port, config.host);
  const logger = app.get(Logger);
  logger.log(
    { port: config.port, embeddedDatabase: embedded !== null, migrationsApplied: applied, bootMs: Date.now() - startedAt },
    `Hangar listening on ${config.baseUrl ?? `http://${config.host}:${config.port}`}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`received ${signal}, shutting down`);
    await app.close();
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

bootstrap().catch((err) => {
  process.stderr.write(`hangar: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
