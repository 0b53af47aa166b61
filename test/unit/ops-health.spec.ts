import { Global, INestApplication, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { HfExceptionFilter } from '../../src/core/errors/hf-exception.filter';
import { HealthModule } from '../../src/core/health/health.module';
import { findPackageInfo } from '../../src/core/health/package-info';
import { shortReason } from '../../src/core/health/readiness.service';
import { OBJECT_STORE } from '../../src/core/storage/object-store';

/** Stand-ins for TypeOrmModule's DataSource and the global StorageModule's OBJECT_STORE. */
const fakes = {
  query: jest.fn<Promise<unknown>, [string]>(),
  healthCheck: jest.fn<Promise<void>, []>(),
};

@Global()
@Module({
  providers: [
    { provide: getDataSourceToken(), useValue: { query: (sql: string) => fakes.query(sql) } },
    { provide: OBJECT_STORE, useValue: { driver: 'fs', healthCheck: () => fakes.healthCheck() } },
  ],
  exports: [getDataSourceToken(), OBJECT_STORE],
})
class FakeInfraModule {}

describe('HealthModule', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FakeInfraModule, HealthModule],
      providers: [{ provide: APP_FILTER, useClass: HfExceptionFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  beforeEach(() => {
    fakes.query.mockReset().mockResolvedValue([{ '?column?': 1 }]);
    fakes.healthCheck.mockReset().mockResolvedValue(undefined);
  });

  it('GET /health answers without touching dependencies', async () => {
    fakes.query.mockRejectedValue(new Error('down'));
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(fakes.query).not.toHaveBeenCalled();
  });

  it('GET /health/ready runs SELECT 1 and the store health check', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', objectStore: 'ok' } });
    expect(fakes.query).toHaveBeenCalledWith('SELECT 1');
    expect(fakes.healthCheck).toHaveBeenCalledTimes(1);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 NotReady naming the failing check, without stack or credentials', async () => {
    const err = new Error('connect ECONNREFUSED 127.0.0.1:9000 via https://AKIA:s3cr3t@s3.local/bucket\n    at Socket.connect');
    fakes.healthCheck.mockRejectedValue(err);
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.headers['x-error-code']).toBe('NotReady');
    expect(res.body.status).toBe('error');
    expect(res.body.checks).toEqual({ database: 'ok', objectStore: 'failed' });
    expect(res.body.error).toBe('objectStore: connect ECONNREFUSED 127.0.0.1:9000 via https://***@s3.local/bucket');
    expect(res.headers['x-error-message']).toBe(res.body.error);
    expect(JSON.stringify(res.body)).not.toMatch(/s3cr3t|Socket\.connect/);
  });

  it('names every failing check', async () => {
    fakes.query.mockRejectedValue(new Error('password authentication failed for user "hangar"'));
    fakes.healthCheck.mockRejectedValue('weird');
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.checks).toEqual({ database: 'failed', objectStore: 'failed' });
    expect(res.body.error).toBe('database: password authentication failed for user "hangar"; objectStore: weird');
  });

  it('GET /api/version reports the package.json version', async () => {
    const res = await request(app.getHttpServer()).get('/api/version').expect(200);
    expect(res.body).toEqual({ name: 'hangar', version: require('../../package.json').version, api: 'hangar' });
  });
});

describe('shortReason', () => {
  it('caps long messages', () => {
    expect(shortReason(new Error('x'.repeat(500)))).toHaveLength(200);
  });

  it('falls back to the error name for an empty message', () => {
    expect(shortReason(new TypeError(''))).toBe('TypeError');
  });
});

describe('findPackageInfo', () => {
  it('finds the repository package.json from a deep directory such as dist/src/core/health', () => {
    const info = findPackageInfo(`${__dirname}/../../dist/src/core/health`);
    expect(info.name).toBe('hangar');
    expect(info.root).toBe(require('node:path').resolve(__dirname, '../..'));
  });
});
