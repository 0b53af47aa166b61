import { Controller, Get, HttpCode, Inject, Param, Put, Req, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Readable } from 'node:stream';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors/domain-error';
import { attachmentDisposition } from './content-disposition';
import { FsObjectStore } from './fs-object-store';
import { parseRangeHeader } from './http-range';
import { OBJECT_STORE, ObjectNotFoundError, type ObjectStore } from './object-store';
import { RangeNotSatisfiableError } from './storage-errors';

const KEY_PARAM = { name: 'key', type: String, description: 'Object key; may contain slashes' };
const SIGNATURE_QUERIES = [
  { name: 'expires', type: 'integer', description: 'Unix time (seconds) the URL stops working' },
  { name: 'sig', type: String, description: 'base64url HMAC-SHA256 signature made by Hangar' },
] as const;

/**
 * Serves the URLs the fs driver signs (the S3 driver hands out presigned S3 URLs instead, so
 * with it these routes answer 404). Thin: the signature check and all I/O live in FsObjectStore.
 */
@ApiTags('storage')
@Controller('storage/fs')
export class StorageController {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  @Get('*key')
  @ApiOperation({ operationId: 'storageFsDownload', summary: 'Download an object through a signed URL (fs driver)' })
  @ApiParam(KEY_PARAM)
  @ApiQuery(SIGNATURE_QUERIES[0])
  @ApiQuery(SIGNATURE_QUERIES[1])
  @ApiQuery({ name: 'filename', type: String, required: false, description: 'Signed: answer as an attachment with this name' })
  @ApiProduces('application/octet-stream')
  @ApiResponse({ status: 200, description: 'The whole object', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 206, description: 'The requested byte range', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 403, description: 'Invalid or expired signature (X-Error-Code: InvalidSignature)' })
  @ApiResponse({ status: 404, description: 'No such object (X-Error-Code: EntryNotFound), or the fs driver is not in use' })
  @ApiResponse({ status: 416, description: 'Range not satisfiable' })
  async download(
    @Param('key') key: string[] | string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const store = this.fsStore();
    const objectKey = joinKey(key);
    // HEAD is served by this route too (Express); it is a GET without the body.
    const grant = store.verifySignedRequest('GET', objectKey, req.query);
    if (!grant) throw new ForbiddenError('Invalid or expired signature', 'InvalidSignature');

    const info = await store.head(objectKey);
    if (!info) throw entryNotFound();
    let range = parseRangeHeader(req.headers.range, info.size);
    // If-Range: only honour the range when the client still has the same version.
    const ifRange = req.headers['if-range'];
    if (range !== undefined && ifRange !== undefined && ifRange !== info.etag) range = undefined;
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${info.size}`);
      throw new RangeNotSatisfiableError();
    }

    const object = await store.get(objectKey, range).catch((err: unknown) => {
      throw err instanceof ObjectNotFoundError ? entryNotFound() : err;
    });
    res.status(range ? 206 : 200);
    res.setHeader('Accept-Ranges', 'bytes');
    if (range) res.setHeader('Content-Range', `bytes ${range.start}-${range.start + object.contentLength - 1}/${object.size}`);
    if (object.etag) res.setHeader('ETag', object.etag);
    res.setHeader('Cache-Control', 'private, no-transform');
    return new StreamableFile(object.body, {
      type: 'application/octet-stream',
      length: object.contentLength,
      disposition: grant.filename ? attachmentDisposition(grant.filename) : undefined,
    });
  }

  @Put('*key')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'storageFsUpload',
    summary: 'Upload an object, or one multipart part, through a signed URL (fs driver)',
  })
  @ApiParam(KEY_PARAM)
  @ApiQuery(SIGNATURE_QUERIES[0])
  @ApiQuery(SIGNATURE_QUERIES[1])
  @ApiQuery({ name: 'uploadId', type: String, required: false, description: 'Signed: multipart upload this part belongs to' })
  @ApiQuery({ name: 'partNumber', type: 'integer', required: false, description: 'Signed: 1-based part number' })
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 200, description: 'Stored; the `ETag` header identifies the object or part' })
  @ApiResponse({ status: 400, description: 'Body shorter or longer than Content-Length, or a bad part number' })
  @ApiResponse({ status: 403, description: 'Invalid or expired signature (X-Error-Code: InvalidSignature)' })
  @ApiResponse({ status: 404, description: 'Unknown multipart upload (NoSuchUpload), or the fs driver is not in use' })
  async upload(
    @Param('key') key: string[] | string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const store = this.fsStore();
    const objectKey = joinKey(key);
    const grant = store.verifySignedRequest('PUT', objectKey, req.query);
    if (!grant) throw new ForbiddenError('Invalid or expired signature', 'InvalidSignature');

    // With a declared length a truncated upload (client gone mid-way) can never be stored.
    const header = req.headers['content-length'];
    const contentLength = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
    const body = requestBody(req);
    const { etag } =
      grant.uploadId !== undefined && grant.partNumber !== undefined
        ? await store.putPart(objectKey, grant.uploadId, grant.partNumber, body, contentLength)
        : await store.put(objectKey, body, { contentLength });
    if (etag) res.setHeader('ETag', etag);
    // Browser clients read part ETags to complete a multipart upload.
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
  }

  private fsStore(): FsObjectStore {
    if (!(this.store instanceof FsObjectStore)) throw new NotFoundError('Not found');
    return this.store;
  }
}

/** path-to-regexp v8 hands a `*key` wildcard over as its decoded segments. */
function joinKey(key: string[] | string): string {
  return Array.isArray(key) ? key.join('/') : key;
}

function entryNotFound(): NotFoundError {
  return new NotFoundError('Object not found', 'EntryNotFound');
}

/**
 * The raw request stream. No JSON/urlencoded parser touches an octet-stream body, but if a
 * client sent a parseable Content-Type the parser has drained the stream already: use the raw
 * copy when Nest kept one (`rawBody: true`), otherwise refuse rather than store an empty object.
 */
function requestBody(req: Request): Readable | Buffer {
  const parsed = (req as { _body?: boolean })._body === true || req.readableEnded;
  if (!parsed) return req;
  const raw = (req as { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(raw)) return raw;
  throw new BadRequestError('Send the upload body as application/octet-stream', 'UnsupportedContentType');
}
