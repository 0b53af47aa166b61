import { Body, Controller, Get, Post, INestApplication, Logger as NestLogger, Module, Query } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { HfExceptionFilter } from '../../src/core/errors/hf-exception.filter';
import { NotFoundError } from '../../src/core/errors/domain-error';
import { LoggingModule } from '../../src/core/logging/logging.module';
import { requestIdMiddleware } from '../../src/core/logging/request-id';

@Controller()
class ProbeController {
  private readonly logger = new NestLogger('Probe');

  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  @Get('things')
  things(@Query('token') _token?: string): { ok: boolean } {
    this.logger.log({ payload: { token: 'hf_nested', password: 'pw', accessToken: 'at' } }, 'handled');
    return { ok: true };
  }

  @Post('things')
  create(@Body() body: unknown): unknown {
    return body;
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundError('nope', 'EntryNotFound');
  }
}

async function boot(lines: string[], early: boolean, logLevel: 'info' | 'debug' = 'info'): Promise<INestApplication> {
  const stream = { write: (s: string) => void lines.push(s) };
  @Module({
    imports: [LoggingModule.forRoot({ logLevel }, stream)],
    controllers: [ProbeController],
    providers: [{ provide: APP_FILTER, useClass: HfExceptionFilter }],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(Logger));
  // As main.ts does: ahead of the body parsers, which app.init() registers.
  if (early) app.use(requestIdMiddleware);
  await app.init();
  return app;
}

describe('LoggingModule', () => {
  let app: INestApplication;
  const lines: string[] = [];
  const logs = (): Array<Record<string, any>> => lines.map((l) => JSON.parse(l));

  beforeAll(async () => {
    app = await boot(lines, false);
  });

  afterAll(() => app.close());
  beforeEach(() => (lines.length = 0));

  it('echoes a sane X-Request-Id and logs it with the request', async () => {
    const res = await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const done = logs().find((l) => l.msg === 'request completed');
    expect(done?.req.id).toBe('abc-123');
    expect(done?.level).toBe('info');
    expect(typeof done?.time).toBe('string');
  });

  it('replaces an unsafe X-Request-Id with a UUID', async () => {
    const res = await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'x'.repeat(65)).expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets X-Request-Id on error answers and unmatched routes', async () => {
    const missing = await request(app.getHttpServer()).get('/missing').expect(404);
    expect(missing.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing.headers['x-error-code']).toBe('EntryNotFound');
    const unmatched = await request(app.getHttpServer()).get('/no/such/route').expect(404);
    expect(unmatched.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('redacts credentials in headers, secret fields and signed query strings', async () => {
    await request(app.getHttpServer())
      .get('/things?token=hf_querysecret&sig=deadbeef&page=2')
      .set('Authorization', 'Bearer hf_headersecret')
      .set('X-Admin-Token', 'admin-secret-admin-secret-admin-secret')
      .set('Cookie', 'hangar_session=cookiesecret')
      .expect(200);
    const text = lines.join('');
    for (const secret of ['hf_querysecret', 'deadbeef', 'hf_headersecret', 'admin-secret', 'cookiesecret', 'hf_nested', '"pw"', '"at"']) {
      expect(text).not.toContain(secret);
    }
    const done = logs().find((l) => l.msg === 'request completed')!;
    expect(done.req.url).toBe('/things?token=[redacted]&sig=[redacted]&page=2');
    expect(done.req.headers.authorization).toBe('[redacted]');
    expect(done.req.headers['x-admin-token']).toBe('[redacted]');
    expect(done.req.headers.cookie).toBe('[redacted]');
    const handled = logs().find((l) => l.msg === 'handled')!;
    expect(handled.payload).toEqual({ token: '[redacted]', password: '[redacted]', accessToken: '[redacted]' });
    // At info, application lines do not carry the request (no AsyncLocalStorage: see request-logger.ts).
    expect(handled.req).toBeUndefined();
  });

  it('does not log successful probes', async () => {
    await request(app.getHttpServer()).get('/health').expect(200);
    expect(logs().filter((l) => l.msg === 'request completed')).toHaveLength(0);
  });
});

describe('LoggingModule at debug', () => {
  let app: INestApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    app = await boot(lines, false, 'debug');
  });

  afterAll(() => app.close());

  it("binds the request to the application's lines written while serving it", async () => {
    await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'ctx-1').set('Authorization', 'Bearer hf_ctxsecret').expect(200);
    const logged = lines.map((l) => JSON.parse(l));
    const handled = logged.find((l) => l.msg === 'handled')!;
    expect(handled.req.id).toBe('ctx-1');
    expect(handled.req.headers.authorization).toBe('[redacted]');
    expect(logged.find((l) => l.msg === 'request completed')?.req.id).toBe('ctx-1');
    expect(lines.join('')).not.toContain('hf_ctxsecret');
  });
});

describe('requestIdMiddleware registered before app.init()', () => {
  let app: INestApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    app = await boot(lines, true);
  });

  afterAll(() => app.close());

  it('gives body-parser rejections, which never reach Nest middleware, an id too', async () => {
    const res = await request(app.getHttpServer()).post('/things').set('Content-Type', 'application/json').send('{bad').expect(400);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('and the id it assigns is the one pino logs', async () => {
    lines.length = 0;
    await request(app.getHttpServer()).get('/things').set('X-Request-Id', 'early-1').expect(200);
    const done = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request completed');
    expect(done?.req.id).toBe('early-1');
  });
});
