import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
  /** The directory holding package.json: the repository root, also when running from dist/. */
  root: string;
}

/**
 * Hangar's package.json, found by walking up from this file: the depth differs between
 * `src/core/health` (ts-jest) and `dist/src/core/health` (built), and package.json is never
 * copied into dist. Read once at load; a missing file is a broken install, so it throws.
 */
export function findPackageInfo(startDir: string = __dirname): PackageInfo {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<'name' | 'version' | 'description', unknown>>;
      if (typeof pkg.name === 'string' && typeof pkg.version === 'string') {
        return { name: pkg.name, version: pkg.version, description: String(pkg.description ?? ''), root: dir };
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json with a name and version above ${startDir}`);
  }
}

export const PACKAGE_INFO: PackageInfo = findPackageInfo();
