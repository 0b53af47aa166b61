import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { HangarConfig } from './config';

/**
 * The server secret signs URLs and derives encryption keys. When HANGAR_SECRET is unset (the
 * embedded default) one is generated on first start under the data directory and reused.
 * A cluster of several nodes must set HANGAR_SECRET to the same value on each.
 */
export function withResolvedSecret(config: HangarConfig): HangarConfig {
  if (config.secret) return config;
  const file = path.join(config.dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return { ...config, secret: readFileSync(file, 'utf8').trim() };
}
