import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * `npm start` builds only when an input changed (scripts/build-if-stale.js). The script runs in
 * a scratch project whose `nest build` and web build are stand-ins that record each call.
 */
describe('npm start: build only when sources changed', () => {
  let dir: string;
  const logged = (what: string) => (existsSync(path.join(dir, 'builds.log')) ? readFileSync(path.join(dir, 'builds.log'), 'utf8').split('\n').filter((l) => l === what).length : 0);
  const builds = () => {
    // Every build is both halves: the server, then the web UI.
    expect(logged('web')).toBe(logged('build'));
    return logged('build');
  };
  const run = () => {
    const out = spawnSync(process.execPath, [path.join(dir, 'scripts', 'build-if-stale.js')], { cwd: dir, encoding: 'utf8' });
    expect(out.status).toBe(0);
  };
  /** An edit after the last build: the build's stamp moves 10 s into the past, the file's mtime to now. */
  const touchLater = (file: string) => {
    const earlier = new Date(Date.now() - 10_000);
    utimesSync(path.join(dir, 'dist', '.build-stamp'), earlier, earlier);
    const now = new Date();
    utimesSync(file, now, now);
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-build-if-stale-'));
    mkdirSync(path.join(dir, 'scripts'));
    copyFileSync(path.resolve(__dirname, '../../scripts/build-if-stale.js'), path.join(dir, 'scripts', 'build-if-stale.js'));
    writeFileSync(path.join(dir, 'scripts', 'build-web.mjs'), `import fs from 'node:fs'; fs.appendFileSync('builds.log', 'web\\n');\n`);
    mkdirSync(path.join(dir, 'src', 'core'), { recursive: true });
    mkdirSync(path.join(dir, 'web', 'src'), { recursive: true });
    writeFileSync(path.join(dir, 'web', 'src', 'app.tsx'), 'export {};\n');
    writeFileSync(path.join(dir, 'src', 'main.ts'), 'export {};\n');
    writeFileSync(path.join(dir, 'src', 'core', 'x.ts'), 'export {};\n');
    writeFileSync(path.join(dir, 'tsconfig.json'), '{}\n');
    const nest = path.join(dir, 'node_modules', '@nestjs', 'cli', 'bin');
    mkdirSync(nest, { recursive: true });
    writeFileSync(
      path.join(nest, 'nest.js'),
      `const fs = require('fs'); fs.appendFileSync('builds.log', 'build\\n'); fs.mkdirSync('dist/src', { recursive: true }); fs.writeFileSync('dist/src/main.js', '');\n`,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the first time, skips while nothing changed, and rebuilds after an edit, a deletion or a config change', () => {
    run();
    expect(builds()).toBe(1);
    run();
    expect(builds()).toBe(1);

    touchLater(path.join(dir, 'src', 'core', 'x.ts'));
    run();
    expect(builds()).toBe(2);
    run();
    expect(builds()).toBe(2);

    rmSync(path.join(dir, 'src', 'core', 'x.ts'));
    touchLater(path.join(dir, 'src', 'core')); // a deletion changes its directory's mtime
    run();
    expect(builds()).toBe(3);

    touchLater(path.join(dir, 'tsconfig.json'));
    run();
    expect(builds()).toBe(4);

    touchLater(path.join(dir, 'web', 'src', 'app.tsx'));
    run();
    expect(builds()).toBe(5);

    rmSync(path.join(dir, 'dist'), { recursive: true });
    run();
    expect(builds()).toBe(6);
  });
});
