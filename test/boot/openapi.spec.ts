import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
type Operation = {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }>; headers?: Record<string, unknown> }>;
  summary?: string;
};

describe('openapi/openapi.json', () => {
  it('is not stale: regenerating it from the built app gives the committed bytes', () => {
    const out = spawnSync(process.execPath, [path.join(ROOT, 'dist/src/cli/openapi.js'), '--check'], { encoding: 'utf8', cwd: ROOT });
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
  });

  const spec = JSON.parse(readFileSync(path.join(ROOT, 'openapi/openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  const operations = Object.entries(spec.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => ({ route: `${m.toUpperCase()} ${p}`, op })));

  it('documents every operation with an id, a summary and a success schema', () => {
    const ids = new Set<string>();
    for (const { route, op } of operations) {
      expect({ route, id: typeof op.operationId, summary: typeof op.summary }).toEqual({ route, id: 'string', summary: 'string' });
      ids.add(op.operationId!);
      const ok = op.responses['200'] ?? op.responses['201'];
      // A documented 204 is a success without a body by definition.
      const hasSchema = Boolean(ok?.content) || (!ok && Boolean(op.responses['204'])) || route.includes(' /storage/fs/') || route === 'GET /metrics';
      expect({ route, hasSchema }).toEqual({ route, hasSchema: true });
    }
    expect(ids.size).toBe(operations.length);
  });

  it('declares auth: admin routes need X-Admin-Token, signed-in routes a bearer token or session, CAS routes a Xet token', () => {
    expect(Object.keys(spec.components.securitySchemes).sort()).toEqual(['adminToken', 'basic', 'bearer', 'session', 'xetToken']);
    for (const route of ['GET /v1/reconstructions/{fileHash}', 'GET /v2/reconstructions/{fileHash}']) {
      expect({ route, security: spec.paths[route.split(' ')[1]][route.split(' ')[0].toLowerCase()].security }).toEqual({ route, security: [{ xetToken: [] }] });
    }
    // The one exception: the first-admin setup authenticates by the one-time token in its body.
    for (const { route, op } of operations.filter((o) => o.route.includes(' /admin/api/'))) {
      const expected = route === 'POST /admin/api/setup' ? undefined : [{ adminToken: [] }];
      expect({ route, security: op.security }).toEqual({ route, security: expected });
    }
    for (const route of ['GET /api/whoami-v2', 'POST /api/auth/tokens/create', 'POST /org/create']) {
      expect(spec.paths[route.split(' ')[1]][route.split(' ')[0].toLowerCase()].security).toEqual([{ bearer: [] }, { session: [] }]);
    }
    // The Xet CAS routes take the Xet token only (not a Hangar credential).
    for (const route of ['POST /v1/xorbs/default/{hash}', 'POST /v1/shards', 'POST /v2/shards', 'GET /v1/chunks/default/{hash}']) {
      expect(spec.paths[route.split(' ')[1]][route.split(' ')[0].toLowerCase()].security).toEqual([{ xetToken: [] }]);
    }
  });

  it('lists every route of the foundation', () => {
    const routes = operations.map((o) => o.route);
    for (const r of [
      'POST /api/auth/register', 'POST /api/auth/login', 'POST /api/auth/logout', 'GET /api/auth/me', 'GET /api/auth/verify-email',
      'GET /api/auth/tokens', 'POST /api/auth/tokens/create', 'DELETE /api/auth/tokens/{id}', 'GET /api/whoami-v2',
      'POST /org/create', 'GET /org/{name}', 'GET /org/{name}/members', 'POST /org/{name}/members',
      'PUT /org/{name}/members/{username}', 'DELETE /org/{name}/members/{username}', 'GET /org/users/{username}/orgs',
      'GET /admin/api/users', 'POST /admin/api/users', 'GET /admin/api/users/{username}', 'DELETE /admin/api/users/{username}',
      'PATCH /admin/api/users/{username}/email-verification', 'PUT /admin/api/users/{username}/quota',
      'POST /admin/api/users/{username}/rotate-token', 'GET /admin/api/audit',
      'GET /health', 'GET /health/ready', 'GET /api/version', 'GET /metrics',
    ]) {
      expect(routes).toContain(r);
    }
  });

  it('declares the error answers every operation can give, in the shape the error filter sends (issue 22 item 15)', () => {
    const wrong: string[] = [];
    for (const { route, op } of operations) {
      const lfs = route.includes('.git/info/lfs/');
      const needed = ['400', '401', '414', '431', ...(/\{[^}]+\}/.test(route) ? ['404'] : [])];
      for (const status of needed) if (!op.responses[status]) wrong.push(`${route}: no ${status}`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const [mediaType, ...more] = Object.keys(response.content ?? {});
        // 414 and 431 come from the HTTP server, before any route is known: always the HF shape.
        const gitLfsShape = lfs && !['414', '431'].includes(status);
        const expected = gitLfsShape ? 'application/vnd.git-lfs+json' : 'application/json';
        if (mediaType !== expected || more.length) wrong.push(`${route} ${status}: ${Object.keys(response.content ?? {}).join(', ')}`);
        const ref = response.content?.[mediaType]?.schema?.$ref ?? '';
        if (gitLfsShape && ref.endsWith('/HfErrorDto')) wrong.push(`${route} ${status}: HF error shape on a git-lfs route`);
        if (!response.headers?.['X-Error-Code']) wrong.push(`${route} ${status}: no X-Error-Code header`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
