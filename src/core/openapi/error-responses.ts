import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = { parameters?: Array<{ in?: string }>; responses?: Record<string, Response> };
type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: { $ref?: string } }> };

const HF_ERROR = '#/components/schemas/HfErrorDto';
const LFS_ERROR = '#/components/schemas/LfsErrorDto';
const LFS_MEDIA_TYPE = 'application/vnd.git-lfs+json';

/**
 * Answers the whole pipeline can give on any operation, whatever its handler does: bad input
 * (a NUL byte in the URL, malformed or too deeply nested JSON, a failed validation), bad
 * credentials (an invalid token is refused even where none is needed), and a request head the
 * HTTP server refuses. Operations with path parameters can also name something that is not there.
 */
const EVERY_OPERATION: Record<number, string> = {
  400: 'Invalid input (X-Error-Code names the problem)',
  401: 'Missing or invalid credentials',
  414: 'The request URL is too long',
  431: 'The request headers are too large',
};
/** Answered by the HTTP server before any route is known: always the HF shape in JSON. */
const SERVER_LEVEL = new Set(['414', '431']);
const WITH_PATH_PARAMETERS: Record<number, string> = { 404: 'Not found (X-Error-Code names what: RepoNotFound, RevisionNotFound, EntryNotFound, ...)' };

const ERROR_HEADERS = {
  'X-Error-Code': { description: 'Machine-readable error code', schema: { type: 'string' } },
  'X-Error-Message': { description: 'Human-readable message', schema: { type: 'string' } },
};

/**
 * Makes every operation's error answers true to what the one exception filter sends: the
 * statuses of the shared pipeline are declared everywhere, and each error answer is JSON
 * (whatever media type the operation's success has, e.g. a git pack or file bytes) in the HF
 * shape, except on git-lfs routes, whose errors are git-lfs's `{message, request_id}` in its
 * own media type. Bodies an operation declares itself (a lock conflict) are kept.
 */
export function declareErrorResponses(document: OpenAPIObject): void {
  let lfsErrors = false;
  for (const [path, item] of Object.entries(document.paths)) {
    const lfs = path.includes('.git/info/lfs/');
    for (const op of Object.values(item) as Operation[]) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const hasPathParameters = /\{[^}]+\}/.test(path);
      const common = { ...EVERY_OPERATION, ...(hasPathParameters ? WITH_PATH_PARAMETERS : {}) };
      for (const [status, description] of Object.entries(common)) op.responses[status] ??= { description };
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const declared = Object.values(response.content ?? {})[0]?.schema;
        const own = declared?.$ref && declared.$ref !== HF_ERROR ? declared : null;
        response.headers = { ...ERROR_HEADERS, ...(response.headers ?? {}) };
        lfsErrors ||= lfs && !SERVER_LEVEL.has(status) && !own;
        response.content = lfs && !SERVER_LEVEL.has(status)
          ? { [LFS_MEDIA_TYPE]: { schema: own ?? { $ref: LFS_ERROR } } }
          : { 'application/json': { schema: own ?? { $ref: HF_ERROR } } };
      }
    }
  }
  if (lfsErrors) {
    document.components ??= {};
    document.components.schemas ??= {};
    document.components.schemas.LfsErrorDto = {
      type: 'object',
      description: 'git-lfs error answer (its client prints `message`); X-Error-Code / X-Error-Message carry the HF code',
      properties: {
        message: { type: 'string', example: 'Repository alice/model not found' },
        request_id: { type: 'string', description: 'The X-Request-Id of the request' },
      },
      required: ['message'],
    };
  }
}
