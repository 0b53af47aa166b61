import { Body, Controller, Delete, Get, Global, INestApplication, Module, Param, Patch, Post, Put } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiOkResponse, ApiProperty, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import * as net from 'node:net';
import request from 'supertest';
import { HealthModule } from '../../src/core/health/health.module';
import { MetricsModule } from '../../src/core/metrics/metrics.module';
import { buildOpenApiDocument, findDuplicateOperationIds, renderOpenApiJson, setupSwaggerUi } from '../../src/core/openapi/openapi';
import { buildOpenApiDocumentInPreview } from '../../src/core/openapi/openapi-preview';
import { METHOD_ORDER } from '../../src/core/openapi/openapi-sort';
import { OBJECT_STORE } from '../../src/core/storage/object-store';

class OwnerDto {
  @ApiProperty() zeta: string;
  @ApiProperty() alpha: string;
  @ApiProperty({ type: 'object', properties: { y: { type: 'string' }, b: { type: 'string' } } }) meta: object;
}

class ZebraDto {
  @ApiProperty() stripes: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: OwnerDto }) owner: OwnerDto;
  @ApiProperty({ type: [OwnerDto] }) keepers: OwnerDto[];
}

class AardvarkDto {
  @ApiProperty() tongue: string;
  @ApiProperty() claws: number;
}

@ApiTags('zoo')
@Controller('zoo/zebras')
class ZebrasController {
  @Delete(':id') deleteZebra(@Param('id') _id: string): void {}
  @Patch(':id') patchZebra(@Param('id') _id: string): void {}
  @Post(':id') @ApiOkResponse({ type: ZebraDto }) replaceZebra(@Param('id') _id: string, @Body() _b: ZebraDto): void {}
  @Get(':id') @ApiOkResponse({ type: ZebraDto }) getZebra(@Param('id') _id: string): void {}
  @Put(':id') putZebra(@Param('id') _id: string): void {}
}

@ApiTags('animals', 'burrowers')
@Controller('animals/aardvarks')
class AardvarksController {
  @Get() @ApiOkResponse({ type: [AardvarkDto] }) listAardvarks(): void {}
}

@Controller('other')
class DuplicateController {
  @Get() listAardvarks(): void {}
  @Post() getZebra(): void {}
}

async function documentOf(controllers: Array<new (...args: never[]) => unknown>): Promise<OpenAPIObject> {
  @Module({ controllers })
  class ThrowawayModule {}
  const moduleRef = await Test.createTestingModule({ imports: [ThrowawayModule] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

describe('buildOpenApiDocument', () => {
  let doc: OpenAPIObject;

  beforeAll(async () => {
    doc = await documentOf([ZebrasController, AardvarksController]);
  });

  it('sorts paths alphabetically and methods in a fixed order', () => {
    expect(Object.keys(doc.paths)).toEqual(['/animals/aardvarks', '/zoo/zebras/{id}']);
    expect(Object.keys(doc.paths['/zoo/zebras/{id}'])).toEqual(['get', 'post', 'put', 'patch', 'delete']);
    expect(METHOD_ORDER.slice(0, 3)).toEqual(['get', 'head', 'post']);
  });

  it('uses the handler method name as operationId', () => {
    expect(doc.paths['/zoo/zebras/{id}'].get?.operationId).toBe('getZebra');
    expect(doc.paths['/animals/aardvarks'].get?.operationId).toBe('listAardvarks');
  });

  it('sorts schemas and their properties at every depth', () => {
    const schemas = doc.components!.schemas! as Record<string, any>;
    expect(Object.keys(schemas)).toEqual(['AardvarkDto', 'HfErrorDto', 'OwnerDto', 'ZebraDto']);
    expect(Object.keys(schemas.ZebraDto.properties)).toEqual(['keepers', 'name', 'owner', 'stripes']);
    expect(schemas.ZebraDto.required).toEqual(['keepers', 'name', 'owner', 'stripes']);
    expect(Object.keys(schemas.OwnerDto.properties)).toEqual(['alpha', 'meta', 'zeta']);
    expect(Object.keys(schemas.OwnerDto.properties.meta.properties)).toEqual(['b', 'y']);
  });

  it('sorts tags and lists every tag an operation uses', () => {
    expect(doc.tags!.map((t) => t.name)).toEqual(['animals', 'burrowers', 'zoo']);
  });

  it('declares the five security schemes', () => {
    const schemes = doc.components!.securitySchemes as Record<string, any>;
    expect(Object.keys(schemes)).toEqual(['adminToken', 'basic', 'bearer', 'session', 'xetToken']);
    expect(schemes.xetToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', description: 'Hangar API token (hf_...)' });
    expect(schemes.adminToken).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Admin-Token' });
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'hangar_session' });
    expect(schemes.basic).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(doc.info).toMatchObject({ title: 'Hangar', version: require('../../package.json').version });
  });

  it('is byte-identical whatever order the controllers are registered in', async () => {
    const reversed = await documentOf([AardvarksController, ZebrasController]);
    expect(renderOpenApiJson(reversed)).toBe(renderOpenApiJson(doc));
    expect(renderOpenApiJson(doc).endsWith('}\n')).toBe(true);
  });

  it('throws listing every duplicate operationId', async () => {
    await expect(documentOf([ZebrasController, AardvarksController, DuplicateController])).rejects.toThrow(
      /Duplicate OpenAPI operationIds[\s\S]*getZebra: GET \/zoo\/zebras\/\{id\}, POST \/other[\s\S]*listAardvarks: GET \/animals\/aardvarks, GET \/other/,
    );
  });

  it('findDuplicateOperationIds is empty for a clean document', () => {
    expect(findDuplicateOperationIds(doc)).toEqual([]);
  });
});

describe('buildOpenApiDocumentInPreview', () => {
  it('builds the document without constructing providers or dialling the database', async () => {
    // A sentinel PostgreSQL "server": any connection attempt is recorded.
    const connections: net.Socket[] = [];
    const sentinel = net.createServer((socket) => connections.push(socket.destroy()));
    await new Promise<void>((resolve) => sentinel.listen(0, '127.0.0.1', resolve));
    const { port } = sentinel.address() as net.AddressInfo;
    const factory = jest.fn(() => {
      throw new Error('must not be constructed in preview mode');
    });

    // Like the global StorageModule, whose store would open files or S3 clients.
    @Global()
    @Module({ providers: [{ provide: OBJECT_STORE, useFactory: factory }], exports: [OBJECT_STORE] })
    class StoreModule {}

    @Module({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: `postgres://openapi@127.0.0.1:${port}/openapi`, retryAttempts: 0 }),
        StoreModule,
        MetricsModule,
        HealthModule,
      ],
      controllers: [ZebrasController, AardvarksController],
    })
    class PreviewRoot {}

    try {
      const doc = await buildOpenApiDocumentInPreview(PreviewRoot);
      await new Promise((r) => setTimeout(r, 200));
      expect(connections).toHaveLength(0);
      expect(factory).not.toHaveBeenCalled();
      expect(Object.keys(doc.paths)).toEqual(['/animals/aardvarks', '/api/version', '/health', '/health/ready', '/metrics', '/zoo/zebras/{id}']);
      expect(doc.paths['/health/ready'].get?.operationId).toBe('getReadiness');
      // 400, 401, 414 and 431: what the shared pipeline answers on any route (declareErrorResponses).
      expect(Object.keys(doc.paths['/health/ready'].get!.responses)).toEqual(['200', '400', '401', '414', '431', '503']);
    } finally {
      await new Promise((r) => sentinel.close(r));
    }
  });
});

describe('setupSwaggerUi', () => {
  let app: INestApplication;

  beforeAll(async () => {
    @Module({ controllers: [AardvarksController] })
    class UiModule {}
    const moduleRef = await Test.createTestingModule({ imports: [UiModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    setupSwaggerUi(app, buildOpenApiDocument(app));
    await app.init();
  });

  afterAll(() => app.close());

  it('serves the JSON at /docs-json and the UI at /docs', async () => {
    const json = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(json.body.info.title).toBe('Hangar');
    expect(Object.keys(json.body.paths)).toEqual(['/animals/aardvarks']);
    const ui = await request(app.getHttpServer()).get('/docs').expect(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
