import { Body, CanActivate, Controller, Get, Post, INestApplication, Module, Param, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ForbiddenError } from '../../src/core/errors/domain-error';
import { HfExceptionFilter } from '../../src/core/errors/hf-exception.filter';
import { HttpMetricsMiddleware } from '../../src/core/metrics/http-metrics.middleware';
import { MetricsModule } from '../../src/core/metrics/metrics.module';
import { routeLabel } from '../../src/core/metrics/route-label';

class DenyGuard implements CanActivate {
  canActivate(): boolean {
    throw new ForbiddenError('no');
  }
}

@Controller('api/auth/tokens')
class TokensController {
  @Get(':id')
  getToken(@Param('id') id: string): { id: string } {
    return { id };
  }

  @Get(':id/boom')
  explode(): never {
    throw new Error('kaboom');
  }

  @Get(':id/files/{*path}')
  getTokenFile(): string {
    return 'file';
  }

  @Get(':id/stream')
  stream(@Res() res: Response): void {
    // Sends headers and a first chunk, then never ends: the client gives up.
    res.status(200).write('partial');
  }

  @Post()
  createToken(@Body() body: unknown): unknown {
    return body;
  }

  @Get(':id/denied')
  @UseGuards(DenyGuard)
  denied(): void {}
}

async function boot(early = false): Promise<INestApplication> {
  @Module({
    imports: [MetricsModule],
    controllers: [TokensController],
    providers: [{ provide: APP_FILTER, useClass: HfExceptionFilter }],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (early) {
    // The optional main.ts line: ahead of the body parsers, so their rejections count too.
    const httpMetrics = app.get(HttpMetricsMiddleware);
    app.use((req: never, res: never, next: () => void) => httpMetrics.use(req, res, next));
  }
  await app.listen(0, '127.0.0.1');
  return app;
}

function sample(metrics: string, name: string, labels: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('MetricsModule', () => {
  let app: INestApplication;
  let other: INestApplication;

  beforeAll(async () => {
    // Two apps in one process: each has its own registry, so neither throws "already registered".
    app = await boot();
    other = await boot();
  });

  afterAll(async () => {
    await app.close();
    await other.close();
  });

  it('labels requests with the route pattern and final status, errors included', async () => {
    const http = request(app.getHttpServer());
    await http.get('/api/auth/tokens/1').expect(200);
    await http.get('/api/auth/tokens/2').expect(200);
    await http.get('/api/auth/tokens/3/boom').expect(500);
    await http.get('/api/auth/tokens/4/denied').expect(403);
    await http.get('/api/auth/tokens/7/files/a/b.txt').expect(200);
    await http.post('/api/auth/tokens/8').expect(404);
    await http.get('/no/such/thing/5').expect(404);
    await http.get('/no/such/thing/6').expect(404);

    const res = await http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;/);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    const text = res.text;
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="/api/auth/tokens/:id",status="200"')).toBe(2);
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="/api/auth/tokens/:id/boom",status="500"')).toBe(1);
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="/api/auth/tokens/:id/denied",status="403"')).toBe(1);
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="/api/auth/tokens/:id/files/{*path}",status="200"')).toBe(1);
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="unmatched",status="404"')).toBe(2);
    expect(sample(text, 'hangar_http_requests_total', 'method="POST",route="unmatched",status="404"')).toBe(1);
    expect(sample(text, 'hangar_http_request_duration_seconds_count', 'method="GET",route="/api/auth/tokens/:id",status="200"')).toBe(2);
    // No raw URL ever becomes a label value.
    expect(text).not.toMatch(/route="[^"]*\/(\d|a\/b\.txt)(\/|")/);
    // Default process metrics are on the same registry.
    expect(text).toContain('process_cpu_user_seconds_total');
    // Event-loop delay: what a request that holds the loop costs every other request.
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
  });

  it('counts a response the client abandoned as 499', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/auth/tokens/9/stream' }, (res) => {
        res.once('data', () => req.destroy());
      });
      req.on('close', () => resolve());
      req.on('error', () => undefined);
    });
    const metricsText = async (): Promise<string> => (await request(app.getHttpServer()).get('/metrics')).text;
    let text = await metricsText();
    for (let i = 0; i < 20 && !text.includes('route="/api/auth/tokens/:id/stream"'); i++) {
      await new Promise((r) => setTimeout(r, 25));
      text = await metricsText();
    }
    expect(sample(text, 'hangar_http_requests_total', 'method="GET",route="/api/auth/tokens/:id/stream",status="499"')).toBe(1);
  });

  it('keeps registries apart between apps', async () => {
    const res = await request(other.getHttpServer()).get('/metrics').expect(200);
    expect(res.text).not.toContain('route="/api/auth/tokens/:id"');
  });
});

describe('HttpMetricsMiddleware also registered before app.init()', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await boot(true);
  });

  afterAll(() => app.close());

  it('counts each request once, body-parser rejections included', async () => {
    const http = request(app.getHttpServer());
    await http.post('/api/auth/tokens').send({ a: 1 }).expect(201);
    await http.post('/api/auth/tokens').set('Content-Type', 'application/json').send('{bad').expect(400);
    const text = (await http.get('/metrics').expect(200)).text;
    expect(sample(text, 'hangar_http_requests_total', 'method="POST",route="/api/auth/tokens",status="201"')).toBe(1);
    expect(sample(text, 'hangar_http_requests_total', 'method="POST",route="unmatched",status="400"')).toBe(1);
  });
});

describe('routeLabel', () => {
  const EVERY_METHOD = ['acl', 'delete', 'get', 'head', 'options', 'patch', 'post', 'put'];
  it.each([
    [{}, 'unmatched'],
    [{ route: { path: '/api/x/:id' } }, '/api/x/:id'],
    [{ baseUrl: '/git', route: { path: '/:repo/info/refs' } }, '/git/:repo/info/refs'],
    [{ baseUrl: '', route: { path: '' } }, '/'],
    [{ route: { path: /regex/ } }, 'unmatched'],
    [{ route: { path: '/{*path}', methods: { _all: true } } }, 'unmatched'],
    [{ route: { path: '/api/*splat', methods: Object.fromEntries(EVERY_METHOD.map((m) => [m, true])) } }, 'unmatched'],
    [{ route: { path: '/files/{*path}', methods: { get: true } } }, '/files/{*path}'],
  ])('%j -> %s', (req, expected) => {
    expect(routeLabel(req as never)).toBe(expected);
  });
});
