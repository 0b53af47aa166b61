import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createUserWithToken, type TestUser } from '../support/accounts';
import { expectHfError } from '../support/hf-error';
import { createRepo } from '../support/repos';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/test-app';

/** Issue 22 items 10, 11 and 14: NUL bytes in URLs, deeply nested JSON, oversized heads, idle peers. */

type Operation = { method: string; path: string };

/** Every operation of the committed OpenAPI document: the routes Hangar serves. */
function operations(): Operation[] {
  const doc = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
  const out: Operation[] = [];
  for (const [p, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of ['get', 'head', 'post', 'put', 'patch', 'delete']) if (item[method]) out.push({ method, path: p });
  }
  return out;
}

/** A raw HTTP exchange: what the server sent before it closed, or how the connection failed. */
function rawExchange(port: number, head: string, body?: AsyncIterable<string>): Promise<{ response: string; error?: string }> {
  return new Promise((resolve) => {
    let response = '';
    const socket = net.connect(port, '127.0.0.1', async () => {
      socket.write(head);
      if (body) for await (const piece of body) if (!socket.destroyed) socket.write(piece);
    });
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve({ response, error: e.code }));
    socket.on('close', () => resolve({ response }));
  });
}

async function* slowly(pieces: string[], gapMs: number): AsyncIterable<string> {
  for (const piece of pieces) {
    await new Promise((r) => setTimeout(r, gapMs));
    yield piece;
  }
}

describe('hostile input', () => {
  let t: TestApp;
  let user: TestUser;
  let repoId: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({ HANGAR_HTTP_IDLE_TIMEOUT_SECONDS: '2' });
    port = Number(new URL(t.baseUrl).port);
    user = await createUserWithToken(t);
    await createRepo(t, user.token, 'hostile').expect(200);
    repoId = `${user.username}/hostile`;
  });
  afterAll(() => t.close());

  it('answers 400 to a NUL byte in any path parameter of any route', async () => {
    const failures: string[] = [];
    for (const op of operations()) {
      const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const poisoned of params) {
        const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) =>
          name === poisoned ? 'a%00b' : name === 'namespace' ? user.username : name === 'repo' ? 'hostile' : 'main',
        );
        const res = await t.http()[op.method as 'get'](url).set('Authorization', `Bearer ${user.token}`).set('X-Admin-Token', ADMIN_TOKEN);
        if (res.status !== 400 || !res.headers['x-error-code']) failures.push(`${op.method.toUpperCase()} ${url} -> ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers 400 to a NUL byte in the query of any route', async () => {
    const failures: string[] = [];
    for (const op of operations()) {
      const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => (name === 'namespace' ? user.username : name === 'repo' ? 'hostile' : 'main'));
      const res = await t
        .http()
        [op.method as 'get'](`${url}?revision=a%00b&search=%00&expand=x%00`)
        .set('Authorization', `Bearer ${user.token}`)
        .set('X-Admin-Token', ADMIN_TOKEN);
      if (res.status !== 400 || !res.headers['x-error-code']) failures.push(`${op.method.toUpperCase()} ${url} -> ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers 400 to a raw NUL in a resolve path and a tree path', async () => {
    expectHfError(await t.http().get(`/${repoId}/resolve/main/a%00.txt`).set('Authorization', `Bearer ${user.token}`), 400, 'BadRequest');
    expectHfError(await t.http().get(`/api/models/${repoId}/tree/main/dir%00`).set('Authorization', `Bearer ${user.token}`), 400, 'BadRequest');
  });

  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('answers 400 to a deeply nested JSON body, on JSON routes of every kind', async () => {
    for (const body of [deep(100_000), deepObject(50_000), `{"name":"x","extra":${deep(50_000)}}`]) {
      expectHfError(
        await t.http().post('/api/repos/create').set('Authorization', `Bearer ${user.token}`).set('Content-Type', 'application/json').send(body),
        400,
        'BadRequest',
      );
      expectHfError(
        await t.http().post(`/api/models/${repoId}/paths-info/main`).set('Authorization', `Bearer ${user.token}`).set('Content-Type', 'application/json').send(body),
        400,
        'BadRequest',
      );
      const lfs = await t
        .http()
        .post(`/${repoId}.git/info/lfs/objects/batch`)
        .set('Authorization', `Bearer ${user.token}`)
        .set('Content-Type', 'application/vnd.git-lfs+json')
        .send(body);
      expect(lfs.status).toBe(400);
    }
  });

  it('answers 431 to oversized headers, as an HF error, without resetting the connection', async () => {
    const { response, error } = await rawExchange(port, `GET /api/version HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1_000_000)}\r\n\r\n`);
    expect(error).toBeUndefined();
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(response).toMatch(/\r\nX-Error-Code: RequestHeaderFieldsTooLarge\r\n/i);
  });

  it('answers 414 to an oversized URL, as an HF error, without resetting the connection', async () => {
    for (const length of [20_000, 1_000_000]) {
      const { response, error } = await rawExchange(port, `GET /api/models?search=${'a'.repeat(length)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(error).toBeUndefined();
      expect(response).toMatch(/^HTTP\/1\.1 414 /);
      expect(response).toMatch(/\r\nX-Error-Code: UriTooLong\r\n/i);
    }
  });

  it('closes a connection whose peer stops sending mid-request (idle timeout)', async () => {
    const head = `PUT /api/repos/settings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`;
    const { response } = await rawExchange(port, head);
    // The server hung up (this resolves only on close); it must not have processed the request.
    expect(response).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('keeps a request alive past the idle timeout while the client keeps sending', async () => {
    const body = JSON.stringify({ name: 'slow-but-steady', padding: 'x'.repeat(40) });
    const pieces = body.match(/.{1,5}/g)!;
    const head =
      `POST /api/repos/create HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${user.token}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    // More than twice the 2 s idle timeout in total, never idle for more than a fraction of it.
    const { response, error } = await rawExchange(port, head, slowly(pieces, 500));
    expect(error).toBeUndefined();
    // The whole body reached the handler, which created the repository (`padding` is ignored).
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(response).toContain('"name":"' + user.username + '/slow-but-steady"');
  });

  it('gives HEAD error answers the Content-Type of the GET answer (issue 22 item 15)', async () => {
    const res = await t.http().head(`/${user.username}/no-such-repo/resolve/main/x.txt`).set('Authorization', `Bearer ${user.token}`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-error-code']).toBe('RepoNotFound');
  });

  it('answers errors as uncached JSON on routes whose success is another type (schemathesis ST105)', async () => {
    const res = await t.http().get('/avatars/not-an-svg');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBeUndefined();
    expect(res.body.error).toContain('.svg');
  });
});
