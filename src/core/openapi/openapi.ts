import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { HfErrorDto } from '../errors/hf-error.dto';
import { PACKAGE_INFO } from '../health/package-info';
import { declareErrorResponses } from './error-responses';
import { METHOD_ORDER, sortOpenApiDocument } from './openapi-sort';

/** Names of the security schemes, for `@ApiBearerAuth('bearer')`, `@ApiSecurity('adminToken')`, … */
export const SECURITY_SCHEMES = {
  bearer: 'bearer',
  adminToken: 'adminToken',
  session: 'session',
  basic: 'basic',
  xetToken: 'xetToken',
} as const;

/**
 * Hangar's OpenAPI document, in canonical order (see openapi-sort.ts). Operation ids are the
 * bare handler method names, which the team keeps unique across controllers so that generated
 * clients get readable names; a clash is a bug and fails the build here rather than silently
 * producing a spec where one operation shadows another.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hangar')
    .setDescription(
      `${PACKAGE_INFO.description}.\n\n` +
        'The `/api/...` model, dataset and file routes follow the Hugging Face Hub protocol, so ' +
        '`huggingface_hub`, `transformers` and `git` work against Hangar unchanged. ' +
        'Errors answer `{"error": "..."}` with `X-Error-Code` and `X-Error-Message` headers.',
    )
    .setVersion(PACKAGE_INFO.version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Hangar API token (hf_...)' }, SECURITY_SCHEMES.bearer)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Admin-Token', description: 'Server admin token (HANGAR_ADMIN_TOKEN)' },
      SECURITY_SCHEMES.adminToken,
    )
    .addCookieAuth(
      'hangar_session',
      { type: 'apiKey', in: 'cookie', name: 'hangar_session', description: 'Browser session cookie set by login' },
      SECURITY_SCHEMES.session,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Xet CAS token (hxt1...) from xet-read-token / xet-write-token' },
      SECURITY_SCHEMES.xetToken,
    )
    .addBasicAuth(
      { type: 'http', scheme: 'basic', description: 'For git over HTTP: any username, an API token as password' },
      SECURITY_SCHEMES.basic,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
    // Every operation can answer an HF error (declareErrorResponses), whether or not it names one.
    extraModels: [HfErrorDto],
  });
  nameOperationsPerRepoType(document);
  declareErrorResponses(document);
  const duplicates = findDuplicateOperationIds(document);
  if (duplicates.length > 0) {
    throw new Error(
      `Duplicate OpenAPI operationIds (handler method names must be unique across controllers):\n  ` +
        duplicates.map((d) => `${d.operationId}: ${d.operations.join(', ')}`).join('\n  '),
    );
  }
  return sortOpenApiDocument(document);
}

/**
 * One handler serves models, datasets and spaces (`@Controller(['api/models', 'api/datasets', …])`);
 * Swagger then suffixes the ids `[1]`, `[2]`. Name them after the type instead: `repoInfo` for
 * models, `repoInfoDataset`, `repoInfoSpace`, so generated clients get readable, stable names.
 */
function nameOperationsPerRepoType(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const op of Object.values(item) as { operationId?: string }[]) {
      const m = op?.operationId?.match(/^(.*)\[\d+\]$/);
      if (!m) continue;
      const kind = /^\/(api\/)?datasets(\/|$)/.test(path) ? 'Dataset' : /^\/(api\/)?spaces(\/|$)/.test(path) ? 'Space' : '';
      op.operationId = m[1] + kind;
    }
  }
}

export interface DuplicateOperationId {
  operationId: string;
  /** `METHOD /path` of each operation sharing the id. */
  operations: string[];
}

export function findDuplicateOperationIds(document: OpenAPIObject): DuplicateOperationId[] {
  const seen = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHOD_ORDER) {
      const operationId = (item as Record<string, { operationId?: string } | undefined>)[method]?.operationId;
      if (operationId) seen.set(operationId, [...(seen.get(operationId) ?? []), `${method.toUpperCase()} ${path}`]);
    }
  }
  return [...seen.entries()]
    .filter(([, operations]) => operations.length > 1)
    .map(([operationId, operations]) => ({ operationId, operations }))
    .sort((a, b) => (a.operationId < b.operationId ? -1 : 1));
}

/** The committed file's exact bytes: 2-space JSON and a trailing newline. */
export function renderOpenApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Swagger UI at `/docs`, the JSON at `/docs-json` (no YAML twin: one format to keep correct). */
export function setupSwaggerUi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
    customSiteTitle: 'Hangar API',
  });
}
