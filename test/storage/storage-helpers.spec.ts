import { attachmentDisposition } from '../../src/core/storage/content-disposition';
import { parseRangeHeader } from '../../src/core/storage/http-range';
import { assertValidKey, assertValidPrefix, encodeKeyForUrl } from '../../src/core/storage/object-key';
import { InvalidObjectKeyError } from '../../src/core/storage/storage-errors';

describe('parseRangeHeader', () => {
  it.each<[string | undefined, number, ReturnType<typeof parseRangeHeader>]>([
    [undefined, 10, undefined],
    ['bytes=0-4', 10, { start: 0, end: 4 }],
    ['bytes=5-', 10, { start: 5, end: 9 }],
    ['bytes=9-9', 10, { start: 9, end: 9 }],
    ['bytes=5-100', 10, { start: 5, end: 9 }],
    ['bytes=0-99999999999999999999999', 10, { start: 0, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=-30', 10, { start: 0, end: 9 }],
    ['bytes=10-', 10, 'unsatisfiable'],
    ['bytes=10-20', 10, 'unsatisfiable'],
    ['bytes=-0', 10, 'unsatisfiable'],
    ['bytes=0-0', 0, 'unsatisfiable'],
    ['bytes=-5', 0, 'unsatisfiable'],
    ['bytes=5-4', 10, undefined], // invalid: ignored, whole object
    ['bytes=0-1,3-4', 10, undefined], // multi-range: served whole
    ['items=0-4', 10, undefined],
    ['bytes=-', 10, undefined],
    ['garbage', 10, undefined],
  ])('%s of %d bytes → %j', (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });
});

describe('object keys', () => {
  it.each(['lfs/ab/cd/0123', 'a', 'a/b.c/d', 'x/.hidden', 'with space/ü+%.bin', 'tmp/.tmp'])('accepts %j', (key) => {
    expect(() => assertValidKey(key)).not.toThrow();
  });

  it.each(['', '/abs', 'a/../b', '..', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b', '.tmp/x', '.multipart/u/1', 'x'.repeat(1025)])(
    'rejects %j',
    (key) => {
      expect(() => assertValidKey(key)).toThrow(InvalidObjectKeyError);
    },
  );

  it('accepts partial and empty prefixes but not escaping ones', () => {
    for (const ok of ['', 'lfs/', 'lfs/ab', 'a']) expect(() => assertValidPrefix(ok)).not.toThrow();
    for (const bad of ['/a', '../x', 'a/../b', 'a//b', 'a\\b']) expect(() => assertValidPrefix(bad)).toThrow(InvalidObjectKeyError);
  });

  it('encodes each segment for a URL path, keeping slashes', () => {
    expect(encodeKeyForUrl('dir/with space/ü+%?#.bin')).toBe('dir/with%20space/%C3%BC%2B%25%3F%23.bin');
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(attachmentDisposition('model.safetensors')).toBe(
      `attachment; filename="model.safetensors"; filename*=UTF-8''model.safetensors`,
    );
    expect(attachmentDisposition('é "q".bin')).toBe(`attachment; filename="_ _q_.bin"; filename*=UTF-8''%C3%A9%20%22q%22.bin`);
  });

  it('drops directories and cannot break out of the header', () => {
    const value = attachmentDisposition('a/b\\evil"\r\nX-Injected: 1');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toContain('filename="evil___X-Injected: 1"');
  });
});
