import { redactUrl, serializeRequest, serializeResponse } from '../../src/core/logging/log-redaction';
import { assignRequestId, sanitizeRequestId } from '../../src/core/logging/request-id';
import type { IncomingMessage, ServerResponse } from 'node:http';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sanitizeRequestId', () => {
  it.each(['abc', 'A-b_c.9', 'x'.repeat(64), '3f2a1c0e-1111-4222-8333-944455556666'])('keeps the sane token %s', (id) => {
    expect(sanitizeRequestId(id)).toBe(id);
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(65)],
    ['space', 'a b'],
    ['CRLF', 'a\r\nX-Evil: 1'],
    ['quote', 'a"b'],
    ['comma-joined duplicates', 'a, b'],
    ['non-ASCII', 'é'],
    ['slash', 'a/b'],
  ])('refuses %s', (_label, id) => {
    expect(sanitizeRequestId(id)).toBeNull();
  });

  it('refuses a missing or array header', () => {
    expect(sanitizeRequestId(undefined)).toBeNull();
    expect(sanitizeRequestId(['a', 'b'])).toBeNull();
  });
});

describe('assignRequestId', () => {
  function fakes(header?: string): { req: IncomingMessage; res: ServerResponse; headers: Record<string, unknown> } {
    const headers: Record<string, unknown> = {};
    const req = { headers: header === undefined ? {} : { 'x-request-id': header } } as unknown as IncomingMessage;
    const res = { headersSent: false, setHeader: (k: string, v: unknown) => (headers[k] = v) } as unknown as ServerResponse;
    return { req, res, headers };
  }

  it('reuses a sane incoming id and echoes it', () => {
    const { req, res, headers } = fakes('trace-42');
    expect(assignRequestId(req, res)).toBe('trace-42');
    expect((req as unknown as { id: string }).id).toBe('trace-42');
    expect(headers['X-Request-Id']).toBe('trace-42');
  });

  it('replaces an insane id with a UUID', () => {
    const { req, res, headers } = fakes('bad id');
    const id = assignRequestId(req, res);
    expect(id).toMatch(UUID);
    expect(headers['X-Request-Id']).toBe(id);
  });

  it('is idempotent: a second call keeps the first id', () => {
    const { req, res } = fakes();
    const first = assignRequestId(req, res);
    expect(assignRequestId(req, res)).toBe(first);
  });
});

describe('redactUrl', () => {
  it.each([
    ['/a/b', '/a/b'],
    ['/files/x?sig=abc&exp=123', '/files/x?sig=[redacted]&exp=123'],
    ['/x?token=hf_secret', '/x?token=[redacted]'],
    ['/x?access_token=a&b=1', '/x?access_token=[redacted]&b=1'],
    ['/o?X-Amz-Signature=ff&X-Amz-Credential=AKIA%2F1&X-Amz-Expires=60', '/o?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]&X-Amz-Expires=60'],
    ['/x?design=1&signal=2', '/x?design=1&signal=2'],
    ['/x?tok%65n=s', '/x?tok%65n=[redacted]'],
    ['/x?sig', '/x?sig=[redacted]'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('serializeRequest redacts the url and drops the query object', () => {
    const out = serializeRequest({ id: 'r', method: 'GET', url: '/f?sig=s', headers: {}, query: { sig: 's' } } as never);
    expect(out).toEqual({ id: 'r', method: 'GET', url: '/f?sig=[redacted]', headers: {}, remoteAddress: undefined, remotePort: undefined });
  });
});

describe('header redaction', () => {
  it('censors Xet CAS tokens, cookies and signed Locations in responses', () => {
    const out = serializeResponse({
      statusCode: 302,
      headers: {
        'x-xet-access-token': 'hxt1.secret',
        'x-xet-cas-url': 'http://h/',
        'set-cookie': ['hangar_session=s'],
        location: 'http://s3/b/k?X-Amz-Signature=ff&X-Amz-Credential=AK&X-Amz-Expires=60',
        link: '<http://h/api/x?sig=abc>; rel="file"',
        'content-type': 'text/plain',
      },
    });
    expect(out.headers).toEqual({
      'x-xet-access-token': '[redacted]',
      'x-xet-cas-url': 'http://h/',
      'set-cookie': '[redacted]',
      location: 'http://s3/b/k?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]&X-Amz-Expires=60',
      link: '<http://h/api/x?sig=[redacted]>; rel="file"',
      'content-type': 'text/plain',
    });
  });

  it('censors request credentials of any name ending in token', () => {
    const out = serializeRequest({ headers: { authorization: 'Bearer hf_x', 'x-admin-token': 'a', cookie: 'c', 'x-xet-access-token': 't', accept: '*/*' } });
    expect(out.headers).toEqual({ authorization: '[redacted]', 'x-admin-token': '[redacted]', cookie: '[redacted]', 'x-xet-access-token': '[redacted]', accept: '*/*' });
  });
});
