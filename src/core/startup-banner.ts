import type { HangarConfig } from './config/config';

export interface BannerInput {
  config: HangarConfig;
  version: string;
  /** The admin API answers (HANGAR_ADMIN_TOKEN, or an admin token made by the setup). */
  adminApiOn: boolean;
  /** A one-time setup token issued by this start (no admin token exists yet). */
  setupToken: string | null;
  embeddedDatabase: boolean;
  migrationsApplied: string[];
  bootMs: number;
}

/** What an operator needs to know once Hangar listens; `human` for a terminal, `fields` for the JSON line. */
export interface Banner {
  message: string;
  fields: Record<string, unknown>;
  human: string[];
  warnings: string[];
}

/** The address to show: HANGAR_BASE_URL, else the listening address (localhost for "all interfaces"). */
export function displayUrl(config: HangarConfig): string {
  if (config.baseUrl) return config.baseUrl;
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

export function startupBanner(b: BannerInput): Banner {
  const { config } = b;
  const url = displayUrl(config);
  const warnings: string[] = [];
  const links = config.baseUrl ? `${config.baseUrl} (HANGAR_BASE_URL)` : 'follow the address each client uses (HANGAR_BASE_URL unset)';
  const setupCommand = b.setupToken
    ? `curl -X POST ${url}/admin/api/setup -H 'Content-Type: application/json' -d '{"setup_token":"${b.setupToken}"}'`
    : null;
  const admin = b.adminApiOn
    ? `on (${config.adminToken ? 'HANGAR_ADMIN_TOKEN' : 'the admin token made by the one-time setup'})`
    : setupCommand
      ? `off: to turn it on without a restart, run once (the answer holds the admin token): ${setupCommand}  (or set HANGAR_ADMIN_TOKEN and restart)`
      : 'off: set HANGAR_ADMIN_TOKEN (32+ characters) and restart';
  const registration = config.auth.registration;
  if (registration === 'open') {
    warnings.push('Registration is open: anyone who reaches this port can create an account and get a write token. Set HANGAR_REGISTRATION=closed to stop it.');
  }
  const storage = config.storage;
  let storageText: string;
  if (storage.driver === 's3') {
    storageText = `s3, bucket ${storage.bucket} at ${storage.endpoint ?? 'AWS S3'}`;
    if (storage.endpoint && !storage.publicEndpoint) {
      warnings.push(`Presigned S3 URLs point at ${storage.endpoint}, which clients must be able to reach; if they reach the store at another address, set HANGAR_S3_PUBLIC_ENDPOINT.`);
    }
  } else {
    storageText = `fs, ${storage.root}`;
  }
  const database = b.embeddedDatabase
    ? `embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort}, data in ${config.dataDir}/pg`
    : `PostgreSQL at ${describeDatabaseUrl(config.database.url ?? '')}`;
  const message = `Hangar listening on ${url}`;
  const human = [
    `Hangar ${b.version} is listening on ${url} (${config.host}:${config.port})`,
    `  Swagger UI:    ${url}/docs`,
    `  Links:         ${links}`,
    `  Admin API:     ${admin}`,
    `  Registration:  ${registration}`,
    `  Storage:       ${storageText}`,
    `  Database:      ${database}`,
    ...warnings.map((w) => `  WARNING: ${w}`),
  ];
  const fields = {
    url,
    swagger: `${url}/docs`,
    links: config.baseUrl ? 'HANGAR_BASE_URL' : 'request',
    adminApi: b.adminApiOn ? 'on' : 'off',
    ...(b.adminApiOn ? {} : { adminApiHowTo: setupCommand ?? 'set HANGAR_ADMIN_TOKEN and restart' }),
    registration,
    storage: storageText,
    database,
    warnings,
    version: b.version,
    port: config.port,
    migrationsApplied: b.migrationsApplied,
    bootMs: b.bootMs,
  };
  return { message, fields, human, warnings };
}

/** host:port/database of a PostgreSQL URL, never its credentials. */
function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparsable HANGAR_DATABASE_URL)';
  }
}
