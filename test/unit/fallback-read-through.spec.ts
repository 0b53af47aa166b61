import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { bearerToken, externalTokensFromAuthorization } from '../../src/auth/credentials';
import { withoutXetHashes } from '../../src/fallback/read-through/fallback-read-through.service';
import { matchesPattern, parseFallbackRoute, sourceAllows } from '../../src/fallback/read-through/fallback-route';
import { withHangarAvatars } from '../../src/fallback/read-through/profile-read-through.service';
import { parseProfileRoute, sourceAllowsName } from '../../src/fallback/read-through/profile-route';
import { pumpFill } from '../../src/fallback/read-through/fill-pump';
import { ContentMismatch, type ExpectedContent } from '../../src/fallback/read-through/content-verifier';

const blobId = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A sink that keeps what it is written; `slow` makes every write wait a turn of the event loop. `maxQueued`: the most bytes it ever held queued. */
function collector(highWaterMark = 16 * 1024, slow = false) {
  const got: Buffer[] = [];
  let maxQueued = 0;
  const sink = new Writable({ highWaterMark, write: (c: Buffer, _e, cb) => (got.push(c), slow ? setImmediate(cb) : cb()) });
  const write = sink.write.bind(sink);
  sink.write = ((c: Buffer) => {
    const ok = write(c);
    maxQueued = Math.max(maxQueued, sink.writableLength);
    return ok;
  }) as typeof sink.write;
  return { sink, bytes: () => Buffer.concat(got), maxQueued: () => maxQueued };
}

/** Runs bytes (in chunks) through pumpFill; returns what the client and the store copy got, and the error. */
async function fill(chunks: Buffer[], expected: ExpectedContent) {
  const client = collector();
  const store = collector();
  let verified = false;
  const error = await pumpFill({
    upstream: Readable.from(chunks),
    expected,
    store: store.sink,
    client: client.sink,
    clientStallMs: 60_000,
    clientQueueBytes: 1024 * 1024,
    onVerified: async () => {
      verified = true;
    },
  }).then(
    () => null,
    (e: unknown) => e,
  );
  return { out: client.bytes(), cached: store.bytes(), error, verified };
}

describe('pumpFill', () => {
  const bytes = randomBytes(100_000);
  const chunks = [bytes.subarray(0, 30_000), bytes.subarray(30_000, 60_000), bytes.subarray(60_000)];

  it('passes bytes that hash to the LFS sha256 or the git blob id to client and store, and calls onVerified', async () => {
    for (const expected of [{ kind: 'sha256', hex: sha256(bytes), size: bytes.length }, { kind: 'blob', hex: blobId(bytes), size: bytes.length }] as ExpectedContent[]) {
      const r = await fill(chunks, expected);
      expect(r.error).toBeNull();
      expect(r.out.equals(bytes)).toBe(true);
      expect(r.cached.equals(bytes)).toBe(true);
      expect(r.verified).toBe(true);
    }
  });

  it('holds the last chunk back from a wrong answer: the client never gets a complete file', async () => {
    const flipped = Buffer.from(bytes);
    flipped[70_000] ^= 1;
    const r = await fill([flipped.subarray(0, 30_000), flipped.subarray(30_000, 60_000), flipped.subarray(60_000)], { kind: 'sha256', hex: sha256(bytes), size: bytes.length });
    expect(r.error).toBeInstanceOf(ContentMismatch);
    expect(r.out.length).toBeLessThan(bytes.length);
    expect(r.verified).toBe(false);
  });

  it('refuses a short or a long answer', async () => {
    const short = await fill(chunks.slice(0, 2), { kind: 'sha256', hex: sha256(bytes), size: bytes.length });
    expect(short.error).toBeInstanceOf(ContentMismatch);
    const long = await fill([...chunks, Buffer.from('x')], { kind: 'sha256', hex: sha256(bytes), size: bytes.length });
    expect(long.error).toBeInstanceOf(ContentMismatch);
    expect(long.verified).toBe(false);
  });

  it('verifies an empty file', async () => {
    const r = await fill([], { kind: 'blob', hex: blobId(Buffer.alloc(0)), size: 0 });
    expect(r.error).toBeNull();
    expect(r.verified).toBe(true);
  });

  it('keeps filling the store when the client goes away mid-transfer', async () => {
    const many = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 2000, (i + 1) * 2000));
    const store = collector();
    const client = new PassThrough({ highWaterMark: 1 });
    let sent = 0;
    client.on('data', (c: Buffer) => {
      sent += c.length;
      if (sent >= 10_000) client.destroy();
    });
    await pumpFill({ upstream: Readable.from(many), expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client, clientStallMs: 60_000, clientQueueBytes: 1024 * 1024, onVerified: async () => undefined });
    expect(client.destroyed).toBe(true);
    expect(store.bytes().equals(bytes)).toBe(true);
  });

  it('cuts off a client that stops reading, and fills the store for the others', async () => {
    const many = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 2000, (i + 1) * 2000));
    const store = collector();
    const client = new PassThrough({ highWaterMark: 1 }); // never read
    await pumpFill({ upstream: Readable.from(many), expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client, clientStallMs: 50, clientQueueBytes: 4000, onVerified: () => finished(store.sink) });
    expect(client.destroyed).toBe(true);
    expect(store.bytes().equals(bytes)).toBe(true);
  });

  it('fills the store when the client was gone before the first byte', async () => {
    const store = collector();
    const client = new PassThrough();
    const closed = new Promise((r) => client.once('close', r));
    client.destroy();
    await closed;
    await pumpFill({ upstream: Readable.from(chunks), expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client, clientStallMs: 60_000, clientQueueBytes: 1024 * 1024, onVerified: () => finished(store.sink) });
    expect(store.bytes().equals(bytes)).toBe(true);
  });

  it('waits for a slow sink: the upstream is paused, not buffered whole', async () => {
    const many = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 2000, (i + 1) * 2000));
    const upstream = Readable.from(many, { highWaterMark: 1 });
    const store = collector(4000, true);
    const client = collector(4000, true);
    // As the service's onVerified waits for the store's put, this one waits for the store copy to finish.
    await pumpFill({ upstream, expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client: client.sink, clientStallMs: 60_000, clientQueueBytes: 4000, onVerified: () => finished(store.sink) });
    await finished(client.sink);
    expect(store.bytes().equals(bytes)).toBe(true);
    expect(client.bytes().equals(bytes)).toBe(true);
    expect(store.maxQueued()).toBeLessThanOrEqual(6000);
  });

  it('lets a client queue up to clientQueueBytes before the upstream waits for it, not just its own highWaterMark', async () => {
    const many = Array.from({ length: 50 }, (_, i) => bytes.subarray(i * 2000, (i + 1) * 2000));
    const run = async (clientQueueBytes: number) => {
      const upstream = Readable.from(many);
      let pauses = 0;
      upstream.on('pause', () => pauses++);
      const store = collector(1024 * 1024);
      // Below one chunk, as an HTTP answer's 16 KiB is below an upstream socket's 64 KiB chunks: every write returns false.
      const client = collector(1000, true);
      await pumpFill({ upstream, expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client: client.sink, clientStallMs: 60_000, clientQueueBytes, onVerified: async () => undefined });
      await finished(client.sink);
      expect(client.bytes().equals(bytes)).toBe(true);
      expect(store.bytes().equals(bytes)).toBe(true);
      return { pauses, maxQueued: client.maxQueued() };
    };
    // A queue that holds the whole file: the upstream never waits for this client.
    expect((await run(1024 * 1024)).pauses).toBe(0);
    // A small one: the upstream waits, and the client's queue stays within one chunk of the bound.
    const bounded = await run(6000);
    expect(bounded.pauses).toBeGreaterThan(0);
    expect(bounded.maxQueued).toBeLessThanOrEqual(8000);
  });

  it('destroys the store copy and cuts the client short when the upstream fails mid-body', async () => {
    const store = collector();
    const client = collector();
    const upstream = new Readable({ read() {} });
    upstream.push(bytes.subarray(0, 30_000));
    upstream.push(bytes.subarray(30_000, 60_000));
    setImmediate(() => upstream.destroy(new Error('connection reset')));
    const err = await pumpFill({ upstream, expected: { kind: 'sha256', hex: sha256(bytes), size: bytes.length }, store: store.sink, client: client.sink, clientStallMs: 60_000, clientQueueBytes: 1024 * 1024, onVerified: async () => undefined }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('connection reset');
    expect(store.sink.destroyed).toBe(true);
    expect(client.sink.destroyed).toBe(true);
    expect(client.bytes().length).toBeLessThan(bytes.length);
  });
});

describe('parseFallbackRoute', () => {
  it('recognises the read routes the clients use', () => {
    expect(parseFallbackRoute('GET', '/api/models/org/name')).toMatchObject({ repoType: 'model', repoId: 'org/name', ask: { kind: 'info', rev: null } });
    expect(parseFallbackRoute('GET', '/api/datasets/org/name/revision/refs%2Fpr%2F1')).toMatchObject({ repoType: 'dataset', ask: { kind: 'info', rev: 'refs/pr/1' } });
    expect(parseFallbackRoute('GET', '/api/models/org/name/tree/main/sub/dir')).toMatchObject({ ask: { kind: 'tree', rev: 'main', path: 'sub/dir' } });
    expect(parseFallbackRoute('POST', '/api/spaces/org/name/paths-info/abc')).toMatchObject({ repoType: 'space', ask: { kind: 'paths-info', rev: 'abc' } });
    expect(parseFallbackRoute('GET', '/api/models/org/name/refs')).toMatchObject({ ask: { kind: 'refs' } });
    expect(parseFallbackRoute('GET', '/api/models/org/name/commits/main')).toMatchObject({ ask: { kind: 'commits', rev: 'main' } });
    expect(parseFallbackRoute('HEAD', '/org/name/resolve/main/a%20b/c.bin')).toMatchObject({ repoType: 'model', ask: { kind: 'file', rev: 'main', path: 'a b/c.bin', withBody: false } });
    expect(parseFallbackRoute('GET', '/datasets/org/name/resolve/v1/data.csv')).toMatchObject({ repoType: 'dataset', ask: { kind: 'file', withBody: true } });
  });

  it('leaves every other request to the app', () => {
    for (const [m, p] of [
      ['GET', '/api/models'],
      ['POST', '/api/models/org/name/commit/main'],
      ['GET', '/api/models/org/name/discussions'],
      ['DELETE', '/api/models/org/name'],
      ['GET', '/org/name/resolve/main'],
      ['GET', '/org/name/blob/main/a'],
      ['GET', '/org/name/resolve/main/../x'],
      ['GET', '/api/models/%E0%A4%A/name'],
      ['GET', '/health/ready'],
    ]) {
      expect([m, p, parseFallbackRoute(m, p)]).toEqual([m, p, null]);
    }
  });
});

describe('source patterns', () => {
  it('matches repository ids with * wildcards, case-insensitively; deny wins', () => {
    expect(matchesPattern('meta-llama/*', 'Meta-Llama/Llama-3')).toBe(true);
    expect(matchesPattern('meta-llama/*', 'meta/llama')).toBe(false);
    expect(matchesPattern('*/bert-*', 'google/bert-base')).toBe(true);
    expect(matchesPattern('google', 'google/bert-base')).toBe(true);
    expect(matchesPattern('a.b/c', 'aXb/c')).toBe(false);
    expect(sourceAllows({ allowPatterns: [], denyPatterns: [] }, 'x/y')).toBe(true);
    expect(sourceAllows({ allowPatterns: ['meta-llama/*'], denyPatterns: [] }, 'x/y')).toBe(false);
    expect(sourceAllows({ allowPatterns: ['meta-llama/*'], denyPatterns: ['meta-llama/secret'] }, 'meta-llama/secret')).toBe(false);
  });
});

describe('the Bearer header with upstream tokens', () => {
  it('yields the Hangar token before the first | and the upstream tokens after it', () => {
    expect(bearerToken('Bearer hf_abc|https://huggingface.co,hf_up|http://hub:3000/,tok')).toBe('hf_abc');
    expect(bearerToken('Bearer |https://huggingface.co,hf_up')).toBeNull();
    expect(bearerToken('Bearer hf_plain')).toBe('hf_plain');
    expect([...externalTokensFromAuthorization('Bearer hf_abc|https://huggingface.co,hf_up|http://hub:3000/,tok|junk')]).toEqual([
      ['https://huggingface.co', 'hf_up'],
      ['http://hub:3000', 'tok'],
    ]);
    expect(externalTokensFromAuthorization('Bearer hf_plain').size).toBe(0);
    expect(externalTokensFromAuthorization(undefined).size).toBe(0);
  });
});

describe('withoutXetHashes', () => {
  it('drops xetHash from JSON answers and leaves other bodies alone', () => {
    const body = Buffer.from(JSON.stringify([{ path: 'a', xetHash: 'ab', lfs: { oid: 'x' } }]));
    expect(JSON.parse(withoutXetHashes('application/json; charset=utf-8', body).toString())).toEqual([{ path: 'a', lfs: { oid: 'x' } }]);
    const text = Buffer.from('xetHash');
    expect(withoutXetHashes('text/plain', text)).toBe(text);
  });
});

describe('profile read-through routes', () => {
  it('parses the user and organization lookups the clients make, and nothing else', () => {
    expect(parseProfileRoute('GET', '/api/users/alice/overview')).toEqual({ kind: 'user', name: 'alice', ask: 'overview' });
    expect(parseProfileRoute('HEAD', '/api/organizations/acme/avatar')).toEqual({ kind: 'org', name: 'acme', ask: 'avatar' });
    expect(parseProfileRoute('GET', '/api/organizations/acme/members')).toEqual({ kind: 'org', name: 'acme', ask: 'members' });
    expect(parseProfileRoute('GET', '/api/users/alice/members')).toBeNull();
    expect(parseProfileRoute('POST', '/api/users/alice/avatar')).toBeNull();
    expect(parseProfileRoute('GET', '/api/users/alice/likes')).toBeNull();
    expect(parseProfileRoute('GET', '/api/users/../overview')).toBeNull();
  });

  it("applies a source's repository patterns to a name by its namespace part", () => {
    expect(sourceAllowsName({ allowPatterns: ['meta-llama/*'], denyPatterns: [] }, 'meta-llama')).toBe(true);
    expect(sourceAllowsName({ allowPatterns: ['meta-llama/*'], denyPatterns: [] }, 'mistralai')).toBe(false);
    expect(sourceAllowsName({ allowPatterns: [], denyPatterns: ['evil'] }, 'evil')).toBe(false);
    expect(sourceAllowsName({ allowPatterns: [], denyPatterns: ['acme/secret-*'] }, 'acme')).toBe(true);
  });

  it('points every avatarUrl at Hangar and drops one that names no user or organization', () => {
    const rewritten = withHangarAvatars(
      { user: 'al', avatarUrl: 'https://cdn.example/a.png', orgs: [{ name: 'acme', avatarUrl: '/avatars/x.svg' }], odd: { avatarUrl: 'https://x' } },
      'http://hangar',
    );
    expect(rewritten).toEqual({ user: 'al', avatarUrl: 'http://hangar/api/users/al/avatar', orgs: [{ name: 'acme', avatarUrl: 'http://hangar/api/organizations/acme/avatar' }], odd: {} });
  });
});
