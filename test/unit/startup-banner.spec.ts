import { loadConfig } from '../../src/core/config/config';
import { startupBanner } from '../../src/core/startup-banner';

/** The startup banner's facts (the JSON line and the terminal lines say the same). */
describe('startupBanner', () => {
  const base = { version: '9.9.9', embeddedDatabase: true, migrationsApplied: [], bootMs: 1 };

  it('on a fresh embedded install: admin API off with the one-time setup command, open registration warned about', () => {
    const config = loadConfig({ HANGAR_PORT: '3005' });
    const b = startupBanner({ ...base, config, adminApiOn: false, setupToken: 'hsetup_abc' });
    expect(b.message).toBe('Hangar listening on http://localhost:3005');
    expect(b.fields).toMatchObject({ url: 'http://localhost:3005', swagger: 'http://localhost:3005/docs', links: 'request', adminApi: 'off', registration: 'open' });
    expect(b.fields.adminApiHowTo).toContain(`curl -X POST http://localhost:3005/admin/api/setup`);
    expect(b.fields.adminApiHowTo).toContain('"setup_token":"hsetup_abc"');
    expect(b.fields.database).toBe(`embedded PostgreSQL on 127.0.0.1:54329, data in ${config.dataDir}/pg`);
    expect(b.warnings.join('\n')).toContain('HANGAR_REGISTRATION=closed');
    expect(b.human.join('\n')).toMatch(/Admin API: +off: .*hsetup_abc/);
    expect(b.human.some((l) => l.startsWith('  WARNING: Registration is open'))).toBe(true);
  });

  it('with HANGAR_BASE_URL, an admin token, S3 without a public endpoint and an external database', () => {
    const config = loadConfig({
      HANGAR_BASE_URL: 'https://hub.example.org',
      HANGAR_ADMIN_TOKEN: 'a'.repeat(32),
      HANGAR_REGISTRATION: 'closed',
      HANGAR_STORAGE_DRIVER: 's3',
      HANGAR_S3_BUCKET: 'models',
      HANGAR_S3_ENDPOINT: 'http://minio:9000',
      HANGAR_DATABASE_URL: 'postgres://hangar:secret-password@db.internal:6543/hangar',
    });
    const b = startupBanner({ ...base, embeddedDatabase: false, config, adminApiOn: true, setupToken: null });
    expect(b.fields).toMatchObject({ url: 'https://hub.example.org', links: 'HANGAR_BASE_URL', adminApi: 'on', registration: 'closed', storage: 's3, bucket models at http://minio:9000', database: 'PostgreSQL at db.internal:6543/hangar' });
    expect(b.fields.adminApiHowTo).toBeUndefined();
    expect(b.warnings).toEqual([expect.stringContaining('HANGAR_S3_PUBLIC_ENDPOINT')]);
    expect(JSON.stringify(b)).not.toContain('secret-password');
  });
});
