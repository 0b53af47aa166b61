import { AtRestCipher, maskSecret } from '../../src/core/crypto/at-rest';

describe('AtRestCipher (AES-256-GCM for secrets stored in the database)', () => {
  const cipher = new AtRestCipher('key-material-0123456789abcdef0123456789');

  it('round-trips, and never stores the same bytes twice for one secret', () => {
    const a = cipher.encrypt('hf_secret_token_value', 'fallback_sources.token');
    const b = cipher.encrypt('hf_secret_token_value', 'fallback_sources.token');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hf_secret');
    expect(cipher.decrypt(a, 'fallback_sources.token')).toBe('hf_secret_token_value');
  });

  it('refuses a tampered value, another purpose, another key', () => {
    const stored = cipher.encrypt('hf_secret_token_value', 'fallback_sources.token');
    const raw = Buffer.from(stored.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => cipher.decrypt(`v1:${raw.toString('base64')}`, 'fallback_sources.token')).toThrow();
    expect(() => cipher.decrypt(stored, 'external_tokens.token')).toThrow();
    expect(() => new AtRestCipher('another-key-material-0123456789abcdef').decrypt(stored, 'fallback_sources.token')).toThrow();
    expect(() => cipher.decrypt('v2:abc', 'fallback_sources.token')).toThrow();
  });

  it('masks: enough to tell tokens apart, never enough to use one', () => {
    expect(maskSecret('hf_abcdefghijklmnop')).toBe('hf_a…mnop');
    expect(maskSecret('short')).toBe('****');
  });
});
