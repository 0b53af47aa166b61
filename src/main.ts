import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { createHangarApp } from './app-setup';
import { drainHttpServer } from './core/http/graceful-shutdown';
import { ConfigError, HangarConfig, loadConfig } from './core/config/config';
import { withResolvedSecret } from './core/config/secret';
import { EmbeddedDatabase, startEmbeddedPostgres } from './core/database/embedded-postgres';
import { runMigrations } from './core/database/migrate';
import { AdminCredentialsService } from './auth/admin-setup/admin-credentials.service';
import { PACKAGE_INFO } from './core/health/package-info';
import { startupBanner } from './core/startup-banner';
import { StartupError } from './core/startup-error';

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
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres(config.dataDir, config.database.embeddedPort, (m) => process.stderr.write(`${m}\n`));
      databaseUrl = embedded.url;
    }
    const applied = await runMigrations(databaseUrl);

    const app = await createHangarApp(config, databaseUrl);
    await listen(app, config);
    const logger = app.get(Logger);
    // A promise someone forgot to await must not take down a node that serves everyone else's
    // requests (Node's default ends the process): it is logged as the bug it is, and serving goes on.
    process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection (a bug: please report it)', 'Hangar'));
    const admins = app.get(AdminCredentialsService);
    const setupToken = await admins.openSetup();
    const banner = startupBanner({
      config,
      version: PACKAGE_INFO.version,
      adminApiOn: await admins.enabled(),
      setupToken,
      embeddedDatabase: embedded !== null,
      migrationsApplied: applied,
      bootMs: Date.now() - startedAt,
    });
    // People at a terminal get a few lines; log collectors get one JSON line with the same facts.
    if (process.stdout.isTTY) process.stdout.write(`${banner.human.join('\n')}\n`);
    else if (banner.warnings.length > 0) logger.warn(banner.fields, banner.message, 'Hangar');
    else logger.log(banner.fields, banner.message, 'Hangar');

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`received ${signal}, shutting down`);
      // In this order: requests in flight still need the database, which app.close() closes.
      const drained = await drainHttpServer(app.getHttpServer(), config.http.shutdownTimeoutSeconds * 1000);
      if (!drained) logger.warn(`requests still running after HANGAR_SHUTDOWN_TIMEOUT_SECONDS (${config.http.shutdownTimeoutSeconds}) were cut`);
      await app.close();
      if (embedded) await embedded.stop();
      process.exit(0);
    };
    // embedded-postgres (through async-exit-hook) answers these signals itself by stopping
    // PostgreSQL at once, under the requests still in flight (they failed with 500). stop()
    // drains first and stops the embedded PostgreSQL last, so the library's handlers go.
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
  } catch (err) {
    // Never leave the embedded PostgreSQL behind a failed start: the next start would find it.
    if (embedded) await embedded.stop().catch(() => undefined);
    throw err;
  }
}

/** app.listen, with a port clash named as the setting to change. */
async function listen(app: Awaited<ReturnType<typeof createHangarApp>>, config: HangarConfig): Promise<void> {
  try {
    await app.listen(config.port, config.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      await app.close().catch(() => undefined);
      const why = code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied';
      throw new StartupError(`Hangar cannot listen on ${config.host}:${config.port}: ${why}. Set HANGAR_PORT to a free port (or HANGAR_HOST to another interface).`);
    }
    throw err;
  }
}

bootstrap().catch((err) => {
  const text =
    err instanceof StartupError ? err.message : err instanceof Error ? (err.stack ?? err.message) : err === undefined ? 'an unexplained error (a promise rejected without a reason)' : String(err);
  process.stderr.write(`hangar: failed to start: ${text}\n`);
  process.exit(1);
});
