import { createHmac } from 'node:crypto';
import { UrlSigner, type SignedFields } from '../../src/core/storage/url-signer';

const SECRET = 'unit-test-secret-0123456789abcdef0123';
const NOW = 1_700_000_000_000; // ms
const base: SignedFields = { method: 'GET', key: 'lfs/ab/cd/0123', expires: NOW / 1000 + 60 };

describe('UrlSigner', () => {
  const signer = new UrlSigner(SECRET);

  it('matches an independent computation byte for byte', () => {
    // Key derivation and canonical form spelled out here on purpose: changing either silently
    // invalidates every URL already handed out, so it must be a deliberate, visible change.
    const derived = createHmac('sha256', SECRET).update('hangar/storage-url/v1').digest();
    const fields: SignedFields = { ...base, method: 'PUT', uploadId: 'u1', partNumber: 3 };
    const message = JSON.stringify(['PUT', base.key, base.expires, 'u1', 3, null]);
    expect(signer.sign(fields)).toBe(createHmac('sha256', derived).update(message).digest('base64url'));
  });

  it('produces unpadded base64url of a 32-byte MAC, deterministically', () => {
    const sig = signer.sign(base);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.sign({ ...base })).toBe(sig);
  });

  it('verifies its own signature until expiry (inclusive)', () => {
    const sig = signer.sign(base);
    expect(signer.verify(base, sig, NOW)).toBe(true);
    expect(signer.verify(base, sig, base.expires * 1000)).toBe(true);
    expect(signer.verify(base, sig, base.expires * 1000 + 1)).toBe(false);
  });

  it.each<[string, Partial<SignedFields>]>([
    ['method', { method: 'PUT' }],
    ['key', { key: 'lfs/ab/cd/0124' }],
    ['expires', { expires: base.expires + 1 }],
    ['uploadId', { uploadId: 'abc' }],
    ['partNumber', { partNumber: 1 }],
    ['filename', { filename: 'x.bin' }],
    ['empty filename', { filename: '' }],
  ])('rejects a signature when %s differs', (_name, change) => {
    const sig = signer.sign(base);
    expect(signer.verify({ ...base, ...change }, sig, NOW)).toBe(false);
  });

  it('keeps fields apart (no ambiguity between neighbours)', () => {
    const a = signer.sign({ ...base, key: 'a', uploadId: 'b' });
    const b = signer.sign({ ...base, key: 'a","b', uploadId: undefined });
    expect(a).not.toBe(b);
  });

  it('rejects signatures from another secret', () => {
    const other = new UrlSigner(`${SECRET}x`);
    expect(signer.verify(base, other.sign(base), NOW)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['truncated', (s: string) => s.slice(0, -1)],
    ['padded', (s: string) => `${s}=`],
    ['extra character', (s: string) => `${s}A`],
    ['standard base64', (s: string) => Buffer.from(s, 'base64url').toString('base64')],
    ['one bit flipped', (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1)],
  ])('rejects a malformed signature: %s', (_name, mangle) => {
    const sig = signer.sign(base);
    const bad = typeof mangle === 'string' ? mangle : mangle(sig);
    if (bad !== sig) expect(signer.verify(base, bad, NOW)).toBe(false);
  });

  it('rejects a non-integer expiry and a non-string signature', () => {
    const sig = signer.sign(base);
    expect(signer.verify({ ...base, expires: base.expires + 0.5 }, sig, NOW)).toBe(false);
    expect(signer.verify(base, undefined as unknown as string, NOW)).toBe(false);
  });

  it('refuses an empty secret', () => {
    expect(() => new UrlSigner('')).toThrow();
  });
});
