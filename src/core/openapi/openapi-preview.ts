import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi';

/**
 * Builds the OpenAPI document of `rootModule` without running it: Nest's preview mode scans the
 * module graph and controller metadata but instantiates no provider, so no database pool,
 * object store or timer is ever created, and nothing listens. Used by the `openapi` CLI.
 * `configure` applies the same app settings as main.ts (a global prefix would change paths).
 */
export async function buildOpenApiDocumentInPreview(
  rootModule: Type<unknown> | DynamicModule,
  configure?: (app: INestApplication) => void,
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(rootModule, { preview: true, logger: false, abortOnError: false });
  try {
    configure?.(app);
    return buildOpenApiDocument(app);
  } finally {
    // No provider was constructed, so there is nothing to shut down; app.close() would run
    // shutdown hooks against placeholder instances. The server never listened either.
    await app.getHttpAdapter().close?.();
  }
}
