import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { HangarConfig } from './core/config/config';
import { HANGAR_CONFIG } from './core/config/config.module';
import { setConfiguredBaseUrl } from './core/http/public-base-url';
import { QuietBootLogger } from './core/logging/quiet-boot-logger';
import { rejectNulInUrl, verifyJsonDepth } from './core/http/request-guards';
import { applyServerLimits } from './core/http/server-limits';
import { trackInFlightRequests } from './core/http/graceful-shutdown';
import { requestIdMiddleware } from './core/logging/request-id';
import { HttpMetricsMiddleware } from './core/metrics/http-metrics.middleware';
import { buildOpenApiDocument, setupSwaggerUi } from './core/openapi/openapi';
import { invitationLinkPages, uiAssetsMiddleware } from './web-ui/web-assets';

/** Requests whose body is file content, streamed by the handler (or, telemetry, dropped): no body parser may read it. */
function hasStreamedBody(req: Request): boolean {
  return req.path.startsWith('/storage/fs/') || (req.method === 'PUT' && req.path.startsWith('/lfs/uploads/')) || isXetCasUpload(req) || req.path === '/v1/telemetry';
}

/** Xet xorb and shard uploads (binary, whatever Content-Type a client sends). */
function isXetCasUpload(req: Request): boolean {
  return req.method === 'POST' && /^\/v[12]\/(xorbs\/|shards$)/.test(req.path);
}

/** Creates the application exactly as production runs it; main.ts and the tests both call this. */
export async function createHangarApp(
  config: HangarConfig,
  databaseUrl: string,
  options: { silent?: boolean } = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl), {
    bufferLogs: true,
    bodyParser: false,
    ...(options.silent ? { logger: false } : {}),
  });
  configureApp(app);
  applyServerLimits(app.getHttpServer(), config.http);
  trackInFlightRequests(app.getHttpServer());
  return app;
}

/**
 * Settings applied to the Nest application after it is created, shared by createHangarApp and
 * the OpenAPI generator, so that both describe the same application.
 */
export function configureApp(app: INestApplication, options: { withLogger?: boolean } = {}): void {
  const server = app as NestExpressApplication;
  if (options.withLogger !== false) {
    app.useLogger(new QuietBootLogger(app.get(Logger)));
    // First in line, so that even a request the body parser rejects has an id and is counted.
    server.use(requestIdMiddleware);
    const httpMetrics = app.get(HttpMetricsMiddleware);
    server.use((req: Request, res: Response, next: NextFunction) => httpMetrics.use(req, res, next));
  }
  // X-Forwarded-For/-Proto/-Host count only from the proxies HANGAR_TRUST_PROXY names (default:
  // loopback); they set the client address in logs and the scheme and host of links.
  const config = app.get<HangarConfig>(HANGAR_CONFIG);
  server.set('trust proxy', config.trustProxy);
  setConfiguredBaseUrl(server.getHttpAdapter().getInstance(), config.baseUrl);
  server.disable('x-powered-by');
  // Express's automatic ETag hashes every JSON answer; no client revalidates API answers by it. The
  // routes whose answers are revalidated (resolve, avatars) set their own.
  server.set('etag', false);
  server.use(rejectNulInUrl);
  server.use(uiAssetsMiddleware());
  server.use(invitationLinkPages());
  // application/*+json covers git-lfs's application/vnd.git-lfs+json.
  server.use(unlessStreamed(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: verifyJsonDepth })));
  server.use(unlessStreamed(express.urlencoded({ extended: false, limit: '1mb' })));
  setupSwaggerUi(app, buildOpenApiDocument(app));
}

/** The body parsers run only for requests that have a body Hangar parses (most requests have none: GET, HEAD). */
function unlessStreamed(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (!hasBody(req) || hasStreamedBody(req) ? next() : parser(req, res, next));
}

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}
