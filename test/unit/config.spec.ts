import * as path from 'node:path';
import { ConfigError, loadConfig } from '../../src/core/config/config';

describe('loadConfig', () => {
  it('defaults to the embedded mode', () => {
    const c = loadConfig({});
    expect(c.database.url).toBeNull();
    expect(c.storage).toMatchObject({ driver: 'fs', root: path.resolve('./data/objects') });
    expect(c.port).toBe(3000);
    expect(c.adminToken).toBeNull();
    expect(c.auth.registration).toBe('open');
  });

  it('reads the per-node git cache budget in MiB (default 128) and refuses one too small to hold anything', () => {
    expect(loadConfig({}).git.cacheBytes).toBe(128 * 1024 * 1024);
    expect(loadConfig({ HANGAR_GIT_CACHE_MB: '32' }).git.cacheBytes).toBe(32 * 1024 * 1024);
    expect(() => loadConfig({ HANGAR_GIT_CACHE_MB: '1' })).toThrow(/HANGAR_GIT_CACHE_MB/);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({
        HANGAR_PORT: 'abc',
        HANGAR_REGISTRATION: 'sometimes',
        HANGAR_COOKIE_SECURE: 'maybe',
        HANGAR_BASE_URL: 'not a url',
        HANGAR_DATABASE_URL: 'mysql://x',
        HANGAR_STORAGE_DRIVER: 's3',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['HANGAR_PORT', 'HANGAR_REGISTRATION', 'HANGAR_COOKIE_SECURE', 'HANGAR_BASE_URL', 'HANGAR_DATABASE_URL', 'HANGAR_S3_BUCKET']) {
      expect(problems).toContain(name);
    }
  });

  it.each([
    ['change-me-in-production', 'placeholder'],
    ['short-token', 'at least 32'],
  ])('refuses the admin token %p', (token, message) => {
    expect(() => loadConfig({ HANGAR_ADMIN_TOKEN: token })).toThrow(message);
  });

  it.each([
    ['HANGAR_SECRET', 'replace-with-a-secret-of-32-characters-or-more'],
    ['HANGAR_S3_SECRET_ACCESS_KEY', 'replace-with-a-minio-secret'],
    ['HANGAR_DATABASE_URL', 'postgres://hangar:replace-with-a-database-password@db/hangar'],
  ])('refuses the example placeholder in %s', (name, value) => {
    expect(() => loadConfig({ HANGAR_STORAGE_DRIVER: 's3', HANGAR_S3_BUCKET: 'b', HANGAR_S3_ACCESS_KEY_ID: 'id', HANGAR_S3_SECRET_ACCESS_KEY: 'real-secret', [name]: value })).toThrow(
      `${name} still holds a placeholder`,
    );
  });

  it('reads HANGAR_TRUST_PROXY (default loopback) and refuses trusting everyone', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ HANGAR_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ HANGAR_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ HANGAR_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    expect(() => loadConfig({ HANGAR_TRUST_PROXY: 'true' })).toThrow('HANGAR_TRUST_PROXY');
    expect(loadConfig({}).baseUrl).toBeNull();
  });

  it('refuses half-set S3 credentials and a base URL with a path', () => {
    expect(() =>
      loadConfig({ HANGAR_STORAGE_DRIVER: 's3', HANGAR_S3_BUCKET: 'b', HANGAR_S3_ACCESS_KEY_ID: 'only-the-id' }),
    ).toThrow('HANGAR_S3_SECRET_ACCESS_KEY');
    expect(() => loadConfig({ HANGAR_BASE_URL: 'https://hub.example.com/hangar' })).toThrow('HANGAR_BASE_URL');
    expect(loadConfig({ HANGAR_BASE_URL: 'https://hub.example.com/' }).baseUrl).toBe('https://hub.example.com');
  });

  it('accepts a strong admin token and an s3 store', () => {
    const c = loadConfig({
      HANGAR_ADMIN_TOKEN: 'x'.repeat(32),
      HANGAR_STORAGE_DRIVER: 's3',
      HANGAR_S3_BUCKET: 'hangar',
      HANGAR_S3_ENDPOINT: 'http://127.0.0.1:9000',
      HANGAR_S3_FORCE_PATH_STYLE: 'false',
    });
    expect(c.adminToken).toBe('x'.repeat(32));
    expect(c.storage).toMatchObject({ driver: 's3', bucket: 'hangar', forcePathStyle: false, endpoint: 'http://127.0.0.1:9000' });
  });
});
