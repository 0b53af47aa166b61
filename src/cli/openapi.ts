import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppModule } from '../app.module';
import { configureApp } from '../app-setup';
import { loadConfig } from '../core/config/config';
import { PACKAGE_INFO } from '../core/health/package-info';
import { renderOpenApiJson } from '../core/openapi/openapi';
import { buildOpenApiDocumentInPreview } from '../core/openapi/openapi-preview';

/**
 * `npm run openapi`: regenerates openapi/openapi.json from the controllers and DTOs.
 *   --stdout  print the document instead of writing it
 *   --check   exit 1 when the committed file differs (for CI)
 * The app is built in Nest preview mode, so the database URL below is never dialled and the
 * environment's HANGAR_* variables play no part: the output depends on the code alone.
 */
const OUTPUT = path.join(PACKAGE_INFO.root, 'openapi', 'openapi.json');
const UNUSED_DATABASE_URL = 'postgres://openapi@127.0.0.1:1/openapi';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--stdout' && a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`usage: openapi [--stdout | --check] (unknown: ${unknown.join(' ')})\n`);
    return 2;
  }
  const config = loadConfig({ HANGAR_DATA_DIR: path.join(os.tmpdir(), 'hangar-openapi'), HANGAR_SECRET: 'x'.repeat(32) });
  // configureApp: the same settings (global prefix, if one is ever set) as main.ts. Without the
  // pino logger, whose instance preview mode does not construct.
  const document = await buildOpenApiDocumentInPreview(AppModule.forRoot(config, UNUSED_DATABASE_URL), (app) =>
    configureApp(app, { withLogger: false }),
  );
  const json = renderOpenApiJson(document);

  const relative = path.relative(process.cwd(), OUTPUT) || OUTPUT;
  if (argv.includes('--check')) {
    const committed = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : null;
    if (committed !== json) {
      process.stderr.write('openapi/openapi.json is stale: run npm run openapi\n');
      return 1;
    }
    process.stdout.write(`${relative} is up to date\n`);
    return 0;
  }
  if (argv.includes('--stdout')) {
    process.stdout.write(json);
    return 0;
  }
  mkdirSync(path.dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, json);
  process.stdout.write(`wrote ${relative}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`openapi: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
