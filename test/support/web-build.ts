import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * Builds the web UI into dist/web (as `npm run build` does, without the type check, which the
 * build itself runs): tests serve what the sources say now, not a stale bundle.
 */
export function buildWebUi(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-web.mjs'), '--no-check'], { cwd: root, stdio: 'pipe' });
}
