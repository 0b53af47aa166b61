import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';

/**
 * docker-compose.yml as the README's production steps use it, checked with Debian's
 * `docker-compose config` (v1; it interpolates .env and needs no daemon). .ci/run installs it;
 * elsewhere the test is skipped, saying so, when the binary is missing.
 */
const ROOT = path.resolve(__dirname, '../..');
const binary = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
const available = binary.status === 0;
if (!available) {
  if (process.env.CI) throw new Error('docker-compose is required in CI (.ci/run installs it: apt-get install -y docker-compose)');
  process.stderr.write('[docker-compose.spec] skipped: docker-compose is not installed (apt-get install docker-compose)\n');
}
const maybe = available ? describe : describe.skip;

const FILLED: Record<string, string> = {
  HANGAR_SECRET: '0123456789abcdef0123456789abcdef0123',
  POSTGRES_PASSWORD: 'pg-password-1',
  MINIO_ROOT_PASSWORD: 'minio-root-password-1',
  HANGAR_S3_SECRET_ACCESS_KEY: 'hangar-s3-secret-1',
  HANGAR_S3_PUBLIC_ENDPOINT: 'http://hub.example.org:9000',
  HANGAR_BASE_URL: 'http://hub.example.org:3000',
};

/** .env.example with some variables given values (a `KEY=` line per variable). */
function envFile(values: Record<string, string>): string {
  return readFileSync(path.join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => {
      const key = /^([A-Z0-9_]+)=/.exec(line)?.[1];
      return key && key in values ? `${key}=${values[key]}` : line;
    })
    .join('\n');
}

function composeConfig(env: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-compose-'));
  try {
    copyFileSync(path.join(ROOT, 'docker-compose.yml'), path.join(dir, 'docker-compose.yml'));
    copyFileSync(path.join(ROOT, 'Dockerfile'), path.join(dir, 'Dockerfile'));
    writeFileSync(path.join(dir, '.env'), env);
    // Only the .env file may supply values: no variable of this process leaks in.
    const out = spawnSync('docker-compose', ['config'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    return { status: out.status, stdout: out.stdout, stderr: out.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

maybe('docker-compose.yml', () => {
  it('refuses the .env.example placeholders, naming the variable to set in .env', () => {
    const out = composeConfig(envFile({}));
    expect(out.status).not.toBe(0);
    expect(out.stderr).toMatch(/set [A-Z_]+ in \.env/);
  });

  it.each(Object.keys(FILLED).filter((k) => k !== 'HANGAR_BASE_URL'))('refuses to run while %s is empty', (key) => {
    const out = composeConfig(envFile({ ...FILLED, [key]: '' }));
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain(`set ${key} in .env`);
  });

  it('takes every URL and secret from .env, gives Hangar its own MinIO user, and pins every image', () => {
    const out = composeConfig(envFile(FILLED));
    expect({ status: out.status, stderr: out.stderr }).toEqual({ status: 0, stderr: '' });
    const config = parse(out.stdout) as { services: Record<string, { image?: string; environment: Record<string, string>; ports?: string[] }> };
    const hangar = config.services.hangar.environment;
    expect(hangar).toMatchObject({
      HANGAR_BASE_URL: FILLED.HANGAR_BASE_URL,
      HANGAR_S3_PUBLIC_ENDPOINT: FILLED.HANGAR_S3_PUBLIC_ENDPOINT,
      HANGAR_SECRET: FILLED.HANGAR_SECRET,
      HANGAR_S3_ACCESS_KEY_ID: 'hangar',
      HANGAR_S3_SECRET_ACCESS_KEY: FILLED.HANGAR_S3_SECRET_ACCESS_KEY,
    });
    const minio = config.services.minio.environment;
    expect(minio.MINIO_ROOT_USER).not.toBe(hangar.HANGAR_S3_ACCESS_KEY_ID);
    expect(minio.MINIO_ROOT_PASSWORD).not.toBe(hangar.HANGAR_S3_SECRET_ACCESS_KEY);
    expect(Object.values(hangar).join(' ')).not.toContain(minio.MINIO_ROOT_PASSWORD);
    expect(config.services['minio-init'].environment.HANGAR_S3_ACCESS_KEY_ID).toBe('hangar');
    for (const [name, service] of Object.entries(config.services)) {
      if (name === 'hangar') continue; // built here
      expect(`${name}: ${service.image}`).toMatch(/:[^:]+:(?!latest)[\w.-]*\d[\w.-]*$/);
    }
    expect(config.services.minio.ports?.map(String).join(' ')).toContain('127.0.0.1:9001:9001');
  });

  it('leaves HANGAR_BASE_URL empty (links follow the request) when .env does not set it', () => {
    const out = composeConfig(envFile({ ...FILLED, HANGAR_BASE_URL: '' }));
    expect(out.status).toBe(0);
    expect((parse(out.stdout) as { services: { hangar: { environment: Record<string, string> } } }).services.hangar.environment.HANGAR_BASE_URL).toBe('');
  });
});
