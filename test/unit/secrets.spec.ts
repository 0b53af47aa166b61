import { createHash } from 'node:crypto';
import { constantTimeEquals, generateSecret, hashPassword, sha256, verifyPassword } from '../../src/core/crypto/secrets';

describe('secrets', () => {
  it('generates prefixed base62 secrets that do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = generateSecret('hf_');
      expect(s).toMatch(/^hf_[A-Za-z0-9]{37}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });

  it('hashes tokens with sha256', () => {
    expect(sha256('abc').toString('hex')).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  it('compares in constant time with the right answer', () => {
    expect(constantTimeEquals('same', 'same')).toBe(true);
    expect(constantTimeEquals('same', 'Same')).toBe(false);
    expect(constantTimeEquals('short', 'a much longer string')).toBe(false);
  });

  it('hashes passwords with argon2id and verifies them', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
