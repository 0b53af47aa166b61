import * as path from 'node:path';

/**
 * Hangar's whole configuration, read once from `HANGAR_*` environment variables at boot.
 * Every variable is listed in README.md ("Configuration"); keep the two in step.
 */
export interface HangarConfig {
  host: string;
  port: number;
  /**
   * HANGAR_BASE_URL: the URL in every link Hangar hands out. Null: links follow the address each
   * request came in on (see core/http/public-base-url.ts).
   */
  baseUrl: string | null;
  /** Express `trust proxy`: whose X-Forwarded-* headers count (false, a hop count, or addresses/subnets/names). */
  trustProxy: boolean | number | string[];
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: {
    /** Unset: Hangar runs an embedded PostgreSQL under `<dataDir>/pg`. */
    url: string | null;
    embeddedPort: number;
    poolSize: number;
  };
  storage: StorageConfig;
  /** Server secret for HMAC-signed URLs and at-rest encryption keys. Null: generated under dataDir. */
  secret: string | null;
  /**
   * HANGAR_DATABASE_KEY: the key material for secrets Hangar stores encrypted (fallback source
   * tokens). Null: derived from the server secret.
   */
  databaseKey: string | null;
  /** Null: the admin API is disabled (403). */
  adminToken: string | null;
  events: {
    /** A comment line goes to every event-stream client this often, so proxies keep the connection. */
    heartbeatSeconds: number;
    /** Events older than this are pruned from the event log (the replay window of Last-Event-ID). */
    retentionDays: number;
  };
  commits: {
    /** One NDJSON line of a commit payload may not exceed this (413 beyond). */
    maxLineBytes: number;
    /** Files at least this large are uploaded as LFS (preupload's uploadMode; binary files from 1 MB whatever this says). */
    lfsThresholdBytes: number;
    /** Part size offered to clients that ask for the HF multipart transfer (S3: 5 MiB minimum). */
    lfsMultipartChunkBytes: number;
    /** Objects at least this large go multipart (when the client lists it); smaller ones basic. */
    lfsMultipartThresholdBytes: number;
    /** Server default for repositories without their own setting: LFS versions kept per path (null: all). */
    lfsKeepVersions: number | null;
    /** Server default suffix rules: files ending so are always LFS (e.g. ".safetensors"). */
    lfsSuffixRules: string[];
  };
  xet: {
    /** Lifetime of the CAS access tokens handed out by xet-read-token / xet-write-token. */
    tokenTtlSeconds: number;
  };
  git: {
    /** A pushed pack whose zlib streams inflate to more bytes than this is refused as it is read. */
    pushMaxInflatedBytes: number;
    /** A pushed pack inflating to more than this many times its own size (past 64 MiB inflated) is refused. */
    pushMaxInflateRatio: number;
    /** Per-node memory for decoded trees (three quarters) and inflated small blobs (a quarter), in bytes. */
    cacheBytes: number;
  };
  /** Quotas a new namespace starts with (bytes; null: unlimited). An admin may change them per namespace. */
  quota: {
    userPrivateBytes: number | null;
    userPublicBytes: number | null;
    orgPrivateBytes: number | null;
    orgPublicBytes: number | null;
  };
  stats: {
    /** HANGAR_DOWNLOAD_COUNTING: false turns download counting off (the resolve bench compares both). */
    downloadCounting: boolean;
  };
  /** Read-through to upstream hubs (src/fallback). */
  fallback: {
    /** How long a branch or tag → commit resolution is trusted before the upstream is asked again. */
    refTtlSeconds: number;
    /** How long "this upstream has no such repository" is remembered. */
    negativeTtlSeconds: number;
    /** Every upstream call gives up after this long without an answer (or, for file bytes, without progress). */
    timeoutSeconds: number;
    /** Cached file contents are evicted, least recently used first, above this many bytes (null: no limit). */
    cacheMaxBytes: number | null;
  };
  maintenance: {
    /** Crash leftovers (temp files, unfinished multipart folders, unreferenced pushed objects) older than this are swept. */
    sweepGraceSeconds: number;
    /**
     * Xet xorbs no stored file uses are collected only once nobody uploaded them for this long:
     * hf_xet dedups against the shards it cached for three weeks without asking (see XetXorbsService).
     */
    xetGcGraceSeconds: number;
  };
  http: {
    /** A connection with no bytes moving either way for this long is closed. */
    idleTimeoutSeconds: number;
    /** Most time allowed to receive one whole request (head and body); 0: no limit. */
    requestTimeoutSeconds: number;
    /** On SIGTERM/SIGINT, how long requests in flight may take to finish before they are cut. */
    shutdownTimeoutSeconds: number;
  };
  /**
   * Per node, how many of each expensive kind of work may run at once (0: no limit); the surplus
   * is answered 503 ServerBusy with Retry-After, not queued.
   */
  limits: {
    gitPacks: number;
    xetVerifications: number;
    listings: number;
  };
  /**
   * Per-caller request limits in the Hub's three buckets, over fixed windows. A bucket whose
   * limit is 0 is not limited (the default: every bucket off).
   */
  rateLimit: {
    windowSeconds: number;
    api: number;
    resolvers: number;
    pages: number;
  };
  auth: {
    registration: 'open' | 'invitation' | 'closed';
    requireEmailVerification: boolean;
    sessionTtlHours: number;
    cookieSecure: boolean;
  };
  mail: {
    /** `smtp://` or `smtps://` URL of the SMTP server; null: mails are only logged. */
    smtpUrl: string | null;
    /** Credentials given apart from the URL (they win over the URL's). */
    smtpUser: string | null;
    smtpPassword: string | null;
    from: string;
  };
  webhooks: {
    /** Targets on loopback, private, link-local or unique-local addresses are allowed (SSRF guard off). */
    allowPrivateTargets: boolean;
    /** One delivery attempt may take this long (connect, send, answer). */
    timeoutMs: number;
    /** Attempts per delivery before it is marked failed. */
    maxAttempts: number;
    /** Retry n waits base × 2^(n-1). */
    retryBaseMs: number;
    /** Deliveries this node sends at once; 0: this node sends none (others do). */
    senders: number;
    /** Safety poll for due deliveries, besides the NOTIFY that wakes the senders at each commit. */
    pollMs: number;
  };
}

export type StorageConfig =
  | {
      driver: 'fs';
      root: string;
      signedUrlTtlSeconds: number;
      /** Mode of the object files (octal in the environment, e.g. 0600). */
      fileMode: number;
      /** Mode of the store's folders and of its root. */
      dirMode: number;
    }
  | {
      driver: 's3';
      endpoint: string | null;
      publicEndpoint: string | null;
      region: string;
      bucket: string;
      accessKeyId: string | null;
      secretAccessKey: string | null;
      forcePathStyle: boolean;
      signedUrlTtlSeconds: number;
    };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const WEAK_ADMIN_TOKENS = new Set(['change-me-in-production']);
/** Values copied from an example file without being filled in (`replace-with-…`, `change-me…`). */
const PLACEHOLDER = /replace[-_ ]?with|change[-_ ]?me/i;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
/** A byte count, or null when the variable is unset. */
function optionalBytes(r: EnvReader, name: string): number | null {
  return r.optional(name) === null ? null : r.int(name, 0, 0, Number.MAX_SAFE_INTEGER);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HangarConfig {
  const r = new EnvReader(env);
  const port = r.int('HANGAR_PORT', 3000, 1, 65535);
  const dataDir = path.resolve(r.str('HANGAR_DATA_DIR', './data'));
  const driver = r.oneOf('HANGAR_STORAGE_DRIVER', ['fs', 's3'] as const, 'fs');
  const signedUrlTtlSeconds = r.int('HANGAR_SIGNED_URL_TTL_SECONDS', 86400, 60, 7 * 86400);

  let storage: StorageConfig;
  if (driver === 's3') {
    storage = {
      driver,
      endpoint: r.url('HANGAR_S3_ENDPOINT'),
      publicEndpoint: r.url('HANGAR_S3_PUBLIC_ENDPOINT'),
      region: r.str('HANGAR_S3_REGION', 'us-east-1'),
      bucket: r.required('HANGAR_S3_BUCKET'),
      accessKeyId: r.optional('HANGAR_S3_ACCESS_KEY_ID'),
      secretAccessKey: r.optional('HANGAR_S3_SECRET_ACCESS_KEY'),
      forcePathStyle: r.bool('HANGAR_S3_FORCE_PATH_STYLE', true),
      signedUrlTtlSeconds,
    };
    if ((storage.accessKeyId === null) !== (storage.secretAccessKey === null)) {
      r.problem('HANGAR_S3_ACCESS_KEY_ID and HANGAR_S3_SECRET_ACCESS_KEY must be set together (or both left unset for the default AWS credential chain)');
    }
  } else {
    storage = {
      driver,
      root: path.resolve(r.str('HANGAR_STORAGE_ROOT', path.join(dataDir, 'objects'))),
      signedUrlTtlSeconds,
      fileMode: r.mode('HANGAR_STORAGE_FILE_MODE', 0o600),
      dirMode: r.mode('HANGAR_STORAGE_DIR_MODE', 0o700),
    };
  }

  const adminToken = r.optional('HANGAR_ADMIN_TOKEN');
  if (adminToken !== null) {
    if (WEAK_ADMIN_TOKENS.has(adminToken)) {
      r.problem('HANGAR_ADMIN_TOKEN must not be the placeholder "change-me-in-production"');
    } else if (adminToken.length < 32) {
      r.problem('HANGAR_ADMIN_TOKEN must be at least 32 characters (try `openssl rand -hex 32`)');
    }
  }
  const secret = r.optional('HANGAR_SECRET');
  if (secret !== null && secret.length < 32) r.problem('HANGAR_SECRET must be at least 32 characters');
  const databaseKey = r.optional('HANGAR_DATABASE_KEY');
  if (databaseKey !== null && databaseKey.length < 32) r.problem('HANGAR_DATABASE_KEY must be at least 32 characters');
  for (const name of ['HANGAR_SECRET', 'HANGAR_DATABASE_KEY', 'HANGAR_S3_SECRET_ACCESS_KEY', 'HANGAR_DATABASE_URL']) {
    if (PLACEHOLDER.test(r.optional(name) ?? '')) r.problem(`${name} still holds a placeholder from an example file; set a real value (e.g. openssl rand -hex 32)`);
  }

  const config: HangarConfig = {
    host: r.str('HANGAR_HOST', '0.0.0.0'),
    port,
    baseUrl: r.url('HANGAR_BASE_URL')?.replace(/\/+$/, '') ?? null,
    trustProxy: r.trustProxy('HANGAR_TRUST_PROXY', ['loopback']),
    dataDir,
    logLevel: r.oneOf('HANGAR_LOG_LEVEL', LOG_LEVELS, 'info'),
    database: {
      url: r.optional('HANGAR_DATABASE_URL'),
      embeddedPort: r.int('HANGAR_EMBEDDED_PG_PORT', 54329, 1, 65535),
      poolSize: r.int('HANGAR_DATABASE_POOL_SIZE', 10, 1, 500),
    },
    storage,
    secret,
    databaseKey,
    adminToken,
    events: {
      heartbeatSeconds: r.int('HANGAR_EVENTS_HEARTBEAT_SECONDS', 15, 1, 3600),
      retentionDays: r.int('HANGAR_EVENTS_RETENTION_DAYS', 7, 1, 3650),
    },
    commits: {
      maxLineBytes: r.int('HANGAR_COMMIT_MAX_LINE_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      lfsThresholdBytes: r.int('HANGAR_LFS_THRESHOLD_BYTES', 10 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
      lfsMultipartChunkBytes: r.int('HANGAR_LFS_MULTIPART_CHUNK_BYTES', 64 * 1024 * 1024, 5 * 1024 * 1024, 5 * 1024 ** 3),
      lfsMultipartThresholdBytes: r.int('HANGAR_LFS_MULTIPART_THRESHOLD_BYTES', 0, 0, Number.MAX_SAFE_INTEGER),
      lfsKeepVersions: r.optional('HANGAR_LFS_KEEP_VERSIONS') === null ? null : r.int('HANGAR_LFS_KEEP_VERSIONS', 0, 1, 100000),
      lfsSuffixRules: (r.optional('HANGAR_LFS_SUFFIX_RULES') ?? '').split(',').map((x) => x.trim()).filter(Boolean),
    },
    xet: {
      tokenTtlSeconds: r.int('HANGAR_XET_TOKEN_TTL_SECONDS', 3600, 1, 7 * 86400),
    },
    git: {
      pushMaxInflatedBytes: r.int('HANGAR_GIT_PUSH_MAX_INFLATED_BYTES', 16 * 1024 ** 3, 1024 * 1024, Number.MAX_SAFE_INTEGER),
      pushMaxInflateRatio: r.int('HANGAR_GIT_PUSH_MAX_INFLATE_RATIO', 200, 2, 1_000_000),
      cacheBytes: r.int('HANGAR_GIT_CACHE_MB', 128, 8, 1024 * 1024) * 1024 * 1024,
    },
    quota: {
      userPrivateBytes: optionalBytes(r, 'HANGAR_DEFAULT_USER_PRIVATE_QUOTA_BYTES'),
      userPublicBytes: optionalBytes(r, 'HANGAR_DEFAULT_USER_PUBLIC_QUOTA_BYTES'),
      orgPrivateBytes: optionalBytes(r, 'HANGAR_DEFAULT_ORG_PRIVATE_QUOTA_BYTES'),
      orgPublicBytes: optionalBytes(r, 'HANGAR_DEFAULT_ORG_PUBLIC_QUOTA_BYTES'),
    },
    stats: {
      downloadCounting: r.bool('HANGAR_DOWNLOAD_COUNTING', true),
    },
    fallback: {
      refTtlSeconds: r.int('HANGAR_FALLBACK_REF_TTL_SECONDS', 60, 0, 86400),
      negativeTtlSeconds: r.int('HANGAR_FALLBACK_NEGATIVE_TTL_SECONDS', 60, 0, 86400),
      timeoutSeconds: r.int('HANGAR_FALLBACK_TIMEOUT_SECONDS', 15, 1, 3600),
      cacheMaxBytes: optionalBytes(r, 'HANGAR_FALLBACK_CACHE_MAX_BYTES'),
    },
    maintenance: {
      sweepGraceSeconds: r.int('HANGAR_SWEEP_GRACE_SECONDS', 24 * 3600, 60, 365 * 86400),
      xetGcGraceSeconds: r.int('HANGAR_XET_GC_GRACE_SECONDS', 25 * 86400, 3600, 365 * 86400),
    },
    http: {
      idleTimeoutSeconds: r.int('HANGAR_HTTP_IDLE_TIMEOUT_SECONDS', 300, 1, 86400),
      requestTimeoutSeconds: r.int('HANGAR_HTTP_REQUEST_TIMEOUT_SECONDS', 86400, 0, 7 * 86400),
      shutdownTimeoutSeconds: r.int('HANGAR_SHUTDOWN_TIMEOUT_SECONDS', 30, 0, 3600),
    },
    limits: {
      gitPacks: r.int('HANGAR_LIMIT_GIT_PACKS', 8, 0, 100_000),
      xetVerifications: r.int('HANGAR_LIMIT_XET_VERIFICATIONS', 8, 0, 100_000),
      listings: r.int('HANGAR_LIMIT_LISTINGS', 16, 0, 100_000),
    },
    rateLimit: {
      windowSeconds: r.int('HANGAR_RATE_LIMIT_WINDOW_SECONDS', 300, 1, 86400),
      api: r.int('HANGAR_RATE_LIMIT_API_REQUESTS', 0, 0, 1_000_000_000),
      resolvers: r.int('HANGAR_RATE_LIMIT_RESOLVERS_REQUESTS', 0, 0, 1_000_000_000),
      pages: r.int('HANGAR_RATE_LIMIT_PAGES_REQUESTS', 0, 0, 1_000_000_000),
    },
    auth: {
      registration: r.oneOf('HANGAR_REGISTRATION', ['open', 'invitation', 'closed'] as const, 'open'),
      requireEmailVerification: r.bool('HANGAR_REQUIRE_EMAIL_VERIFICATION', false),
      sessionTtlHours: r.int('HANGAR_SESSION_TTL_HOURS', 24 * 14, 1, 24 * 365),
      cookieSecure: r.bool('HANGAR_COOKIE_SECURE', false),
    },
    mail: {
      smtpUrl: r.smtpUrl('HANGAR_SMTP_URL'),
      smtpUser: r.optional('HANGAR_SMTP_USER'),
      smtpPassword: r.optional('HANGAR_SMTP_PASSWORD'),
      from: r.str('HANGAR_MAIL_FROM', 'Hangar <hangar@localhost>'),
    },
    webhooks: {
      allowPrivateTargets: r.bool('HANGAR_WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: r.int('HANGAR_WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
      maxAttempts: r.int('HANGAR_WEBHOOK_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseMs: r.int('HANGAR_WEBHOOK_RETRY_BASE_MS', 10_000, 1, 86_400_000),
      senders: r.int('HANGAR_WEBHOOK_SENDERS', 2, 0, 64),
      pollMs: r.int('HANGAR_WEBHOOK_POLL_MS', 5_000, 50, 3_600_000),
    },
  };
  if (config.baseUrl !== null && !/^https?:\/\/[^/]+\/?$/.test(config.baseUrl + '/')) {
    r.problem('HANGAR_BASE_URL must be scheme://host[:port] without a path (Hangar serves at the root)');
  }
  if (config.database.url !== null && !/^postgres(ql)?:\/\//.test(config.database.url)) {
    r.problem('HANGAR_DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  r.throwIfProblems();
  return config;
}

/** Collects every problem instead of stopping at the first, so one boot names them all. */
class EnvReader {
  private readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }

  optional(name: string): string | null {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? null : value.trim();
  }

  str(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === null) {
      this.problem(`${name} is required`);
      return '';
    }
    return value;
  }

  /** A file mode in octal (`600`, `0640`). */
  mode(name: string, fallback: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!/^0?[0-7]{3}$/.test(raw)) {
      this.problem(`${name} must be an octal file mode such as 0600 (got "${raw}")`);
      return fallback;
    }
    return parseInt(raw, 8);
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problem(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    const lower = raw.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
    if (['0', 'false', 'no', 'off'].includes(lower)) return false;
    this.problem(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problem(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  /**
   * Express `trust proxy`: `false`/`off` (trust nobody), a number of hops, or a comma-separated
   * list of addresses, CIDR subnets and Express's names (`loopback`, `linklocal`, `uniquelocal`).
   * `true` (trust everyone) is refused: then any client could choose the host of Hangar's links.
   */
  trustProxy(name: string, fallback: string[]): boolean | number | string[] {
    const raw = this.optional(name);
    if (raw === null) return fallback;
    const lower = raw.toLowerCase();
    if (['0', 'false', 'no', 'off'].includes(lower)) return false;
    if (/^\d{1,2}$/.test(raw)) return Number(raw);
    const list = raw.split(',').map((x) => x.trim()).filter(Boolean);
    const ok = (x: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(x) || /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(x);
    if (list.length === 0 || !list.every(ok)) {
      this.problem(`${name} must be off, a number of hops, or a comma-separated list of addresses, subnets, loopback, linklocal, uniquelocal (got "${raw}")`);
      return fallback;
    }
    return list;
  }

  /** An SMTP server URL; the message never repeats the value (it may hold a password). */
  smtpUrl(name: string): string | null {
    const raw = this.optional(name);
    if (raw === null) return null;
    let ok = false;
    try {
      const parsed = new URL(raw);
      ok = ['smtp:', 'smtps:'].includes(parsed.protocol) && parsed.hostname !== '';
    } catch {
      ok = false;
    }
    if (!ok) this.problem(`${name} must be an smtp://host[:port] or smtps://host[:port] URL (credentials may be in it)`);
    return ok ? raw : null;
  }

  url(name: string): string | null {
    const raw = this.optional(name);
    if (raw === null) return null;
    try {
      const parsed = new URL(raw);
      if (!['http:', 'https:'].includes(parsed.protocol)) throw new Error('scheme');
      return raw;
    } catch {
      this.problem(`${name} must be an absolute http(s) URL (got "${raw}")`);
      return null;
    }
  }
}
