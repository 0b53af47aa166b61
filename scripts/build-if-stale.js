#!/usr/bin/env node
// `npm start`'s build step: runs `npm run build` (nest build, then the web UI) only when an input changed since the last
// successful build, so a restart without changes takes seconds instead of a full compile.
// Inputs: everything under src/, migrations/ and web/, the OpenAPI document (directory mtimes catch deletions and renames),
// the TypeScript and Nest configuration, and the dependency lock file.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const inputs = ['src', 'migrations', 'web', 'openapi/openapi.json', 'scripts/build-web.mjs', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'package-lock.json'];

/** The newest mtime (ms) of a file, or of a directory and everything below it. */
function newest(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  let latest = st.mtimeMs;
  if (st.isDirectory()) for (const name of fs.readdirSync(p)) latest = Math.max(latest, newest(path.join(p, name)));
  return latest;
}

const built = fs.existsSync(path.join(root, 'dist', 'src', 'main.js')) ? newest(stamp) : 0;
const changed = Math.max(...inputs.map((p) => newest(path.join(root, p))));
if (built > 0 && changed <= built) {
  process.stderr.write('hangar: dist/ is up to date with src/, skipping the build\n');
  process.exit(0);
}
process.stderr.write('hangar: building (sources changed since the last build)\n');
const startedAt = Date.now();
const nest = require.resolve('@nestjs/cli/bin/nest.js', { paths: [root] });
const result = spawnSync(process.execPath, [nest, 'build'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
const web = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);
// The stamp records when the build started: a source saved during the build is seen as newer.
fs.writeFileSync(stamp, `${new Date(startedAt).toISOString()}\n`);
fs.utimesSync(stamp, startedAt / 1000, startedAt / 1000);
