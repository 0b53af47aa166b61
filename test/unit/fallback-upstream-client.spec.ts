import type * as http from 'node:http';
import { UpstreamCircuits } from '../../src/fallback/read-through/upstream-circuits';
import { UpstreamUnreachable, upstreamRequest } from '../../src/fallback/read-through/upstream-client';
import { startScriptedServer as server } from '../support/scripted-server';

const ok = (res: http.ServerResponse, body = 'fine') => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);

describe('upstreamRequest retries', () => {
  const open: { close: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('retries 5xx, 429 and dropped connections, then returns the answer', async () => {
    const s = await server((n, _req, res) => {
      if (n === 1) return res.writeHead(503).end();
      if (n === 2) return res.destroy();
      ok(res);
    });
    open.push(s);
    const answer = await upstreamRequest(`${s.url}/api/models/a/b`, { token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() });
    expect([answer.status, await answer.text(), s.hits()]).toEqual([200, 'fine', 3]);
    const limited = await server((n, _req, res) => (n === 1 ? res.writeHead(429, { 'Retry-After': '0' }).end() : ok(res)));
    open.push(limited);
    const after429 = await upstreamRequest(`${limited.url}/x`, { method: 'POST', body: 'paths=a', contentType: 'application/x-www-form-urlencoded', token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() });
    expect([after429.status, limited.hits()]).toEqual([200, 2]);
    after429.discard();
  });

  it('stops at the attempt cap and hands back the last 5xx; a Retry-After beyond the cap is not waited for', async () => {
    const s = await server((_n, _req, res) => res.writeHead(500).end());
    open.push(s);
    const answer = await upstreamRequest(`${s.url}/x`, { token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() });
    expect([answer.status, s.hits()]).toEqual([500, 3]);
    answer.discard();
    const slow = await server((_n, _req, res) => res.writeHead(503, { 'Retry-After': '3600' }).end());
    open.push(slow);
    const once = await upstreamRequest(`${slow.url}/x`, { token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() });
    expect([once.status, slow.hits()]).toEqual([503, 1]);
    once.discard();
  });

  it('does not retry a timeout (it used the deadline up)', async () => {
    const s = await server(() => undefined);
    open.push(s);
    const err = await upstreamRequest(`${s.url}/x`, { token: null, timeoutMs: 300, circuits: new UpstreamCircuits() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnreachable);
    expect((err as UpstreamUnreachable).timedOut).toBe(true);
    expect(s.hits()).toBe(1);
  });

  it('never fetches again once the body streams: a body cut short errors the stream after one request', async () => {
    const s = await server((_n, _req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write(Buffer.alloc(100));
      setTimeout(() => res.destroy(), 50);
    });
    open.push(s);
    const answer = await upstreamRequest(`${s.url}/resolve`, { token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() });
    let got = 0;
    const err = await (async () => {
      for await (const chunk of answer.stream()) got += (chunk as Buffer).length;
    })().catch((e: unknown) => e);
    // (fetch's own errors come from another realm than jest's: no instanceof here)
    expect(err).toBeTruthy();
    expect(got).toBe(100);
    expect(s.hits()).toBe(1);
  });

  it('errors a streamed body that stalls (no hang), but not one its reader holds back longer than the timeout', async () => {
    const s = await server((n, _req, res) => {
      res.writeHead(200, { 'Content-Length': '200' });
      res.write(Buffer.alloc(100));
      if (n === 2) setTimeout(() => res.end(Buffer.alloc(100)), 50); // the rest comes at once for the second request
    });
    open.push(s);
    const stalled = (await upstreamRequest(`${s.url}/a`, { token: null, timeoutMs: 300, circuits: new UpstreamCircuits() })).stream();
    const err = await new Promise<unknown>((resolve) => {
      stalled.on('error', resolve);
      stalled.on('end', () => resolve(null));
      stalled.resume();
    });
    expect(err).toBeInstanceOf(UpstreamUnreachable);
    expect((err as UpstreamUnreachable).timedOut).toBe(true);

    const held = (await upstreamRequest(`${s.url}/b`, { token: null, timeoutMs: 300, circuits: new UpstreamCircuits() })).stream();
    held.pause();
    await new Promise((r) => setTimeout(r, 900)); // three timeouts long, reading nothing
    let got = 0;
    held.on('data', (c: Buffer) => (got += c.length));
    held.resume();
    await new Promise<void>((resolve, reject) => held.on('end', resolve).on('error', reject));
    expect(got).toBe(200);
  });

  it('follows redirects itself and sends the token only to the upstream origin', async () => {
    const seen: (string | undefined)[] = [];
    const target = await server((_n, req, res) => {
      seen.push(req.headers.authorization);
      ok(res, 'from the signed url');
    });
    open.push(target);
    const hub = await server((_n, req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(302, { Location: `${target.url}/signed?x=1` }).end();
    });
    open.push(hub);
    const answer = await upstreamRequest(`${hub.url}/org/name/resolve/main/f`, { token: 'secret-token', timeoutMs: 5000, circuits: new UpstreamCircuits() });
    expect([answer.status, await answer.text(), answer.url]).toEqual([200, 'from the signed url', `${target.url}/signed?x=1`]);
    expect(seen).toEqual(['Bearer secret-token', undefined]);
  });

  it('fails fast while the circuit of an origin that kept failing is open, and a probe that gets through closes it', async () => {
    const circuits = new UpstreamCircuits(3, 60_000);
    let down = true;
    const s = await server((_n, _req, res) => (down ? res.writeHead(502).end() : ok(res)));
    open.push(s);
    for (let i = 0; i < 3; i++) {
      const a = await upstreamRequest(`${s.url}/x`, { token: null, timeoutMs: 5000, circuits, maxAttempts: 1 });
      expect(a.status).toBe(502);
      a.discard();
    }
    expect(s.hits()).toBe(3);
    const err = await upstreamRequest(`${s.url}/y`, { token: null, timeoutMs: 5000, circuits }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamUnreachable);
    expect((err as UpstreamUnreachable).circuitOpen).toBe(true);
    expect((err as UpstreamUnreachable).message).toContain('answered 502');
    expect(s.hits()).toBe(3);
    down = false;
    const probe = await upstreamRequest(`${s.url}/api/models?limit=1`, { token: null, timeoutMs: 5000, circuits, ignoreOpenCircuit: true, maxAttempts: 1 });
    expect(probe.status).toBe(200);
    probe.discard();
    const closed = await upstreamRequest(`${s.url}/y`, { token: null, timeoutMs: 5000, circuits });
    expect(closed.status).toBe(200);
    closed.discard();
  });

  it('names the low-level reason of a refused connection', async () => {
    const s = await server(() => undefined);
    const url = s.url;
    await s.close();
    const err = await upstreamRequest(`${url}/x`, { token: null, timeoutMs: 5000, circuits: new UpstreamCircuits() }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});
