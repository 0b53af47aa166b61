import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress } from '../../src/webhooks/delivery/target-guard';
import { payloadToSend } from '../../src/webhooks/outbox/webhook-payloads';
import { postJson } from '../../src/webhooks/delivery/http-post';

describe('webhook target guard', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255',
    '::1', '::', 'fd00::1', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '[::1]', 'not-an-address',
  ])('%s is not a public address', (a) => expect(isPrivateAddress(a)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('%s is public', (a) => expect(isPrivateAddress(a)).toBe(false));
});

describe('webhook payload links', () => {
  it('makes url paths absolute under the base and names the webhook, leaving other strings alone', () => {
    const sent = payloadToSend(
      { repo: { name: '/not-a-link', url: { web: '/alice/m', api: '/api/models/alice/m' } }, comment: { url: { web: '/alice/m/discussions/1#abc' } }, updatedRefs: [{ ref: 'refs/heads/main' }] },
      'https://hub.example.com',
      'w1',
    );
    expect(sent).toEqual({
      repo: { name: '/not-a-link', url: { web: 'https://hub.example.com/alice/m', api: 'https://hub.example.com/api/models/alice/m' } },
      comment: { url: { web: 'https://hub.example.com/alice/m/discussions/1#abc' } },
      updatedRefs: [{ ref: 'refs/heads/main' }],
      webhook: { id: 'w1', version: 3 },
    });
  });
});

describe('webhook POST', () => {
  // A loopback server that answers per path: a head then silence, or nothing at all.
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/head-then-stall') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
      }
      // '/silent': never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('a 2xx head delivers, even when the body then stalls (cut at the timeout, excerpt kept)', async () => {
    const r = await postJson(`${base}/head-then-stall`, Buffer.from('{}'), {}, { timeoutMs: 300, allowPrivate: true });
    expect({ ok: r.ok, status: r.statusCode, excerpt: r.excerpt, error: r.error }).toEqual({ ok: true, status: 200, excerpt: 'partial', error: null });
  });

  it('no answer within the timeout fails the attempt', async () => {
    const r = await postJson(`${base}/silent`, Buffer.from('{}'), {}, { timeoutMs: 300, allowPrivate: true });
    expect({ ok: r.ok, status: r.statusCode, error: r.error }).toEqual({ ok: false, status: null, error: 'no answer within 300 ms' });
  });

  it('refuses a loopback target without the flag, before connecting', async () => {
    const r = await postJson(`${base}/silent`, Buffer.from('{}'), {}, { timeoutMs: 300, allowPrivate: false });
    expect(r.error).toBe('target refused: 127.0.0.1 is a private address');
  });
});
