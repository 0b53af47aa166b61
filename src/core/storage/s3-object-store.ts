import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable, Transform } from 'node:stream';
import type { StorageConfig } from '../config/config';
import { attachmentDisposition } from './content-disposition';
import { assertValidKey, assertValidPrefix } from './object-key';
import {
  ObjectNotFoundError,
  type ByteRange,
  type CompletedPart,
  type GetResult,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type PutResult,
  type PartUrlOptions,
  type SignedUrlOptions,
} from './object-store';
import { ContentLengthMismatchError, InvalidPartError, NoSuchUploadError, RangeNotSatisfiableError } from './storage-errors';

export type S3StorageConfig = Extract<StorageConfig, { driver: 's3' }>;

/** lib-storage part size: 8 MiB parts, at most 4 in flight, so a put buffers ≤ 32 MiB. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 4;

/**
 * Objects in one S3(-compatible) bucket. Server-side calls go to `endpoint`; presigned URLs are
 * made for `publicEndpoint` (the address clients reach, e.g. behind a proxy) when set.
 */
export class S3ObjectStore implements ObjectStore {
  readonly driver = 's3' as const;
  readonly client: S3Client;
  private readonly presignClient: S3Client;
  private readonly bucket: string;
  private readonly defaultTtlSeconds: number;

  constructor(config: S3StorageConfig) {
    this.bucket = config.bucket;
    this.defaultTtlSeconds = config.signedUrlTtlSeconds;
    this.client = new S3Client(clientConfig(config, config.endpoint));
    // Signatures cover the Host header, so a URL for outside clients must be signed for the
    // outside host: a second client whose only difference is the endpoint.
    this.presignClient =
      config.publicEndpoint && config.publicEndpoint !== config.endpoint
        ? new S3Client(clientConfig(config, config.publicEndpoint))
        : this.client;
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const expected = options.contentLength;
    if (Buffer.isBuffer(body) && expected !== undefined && body.length !== expected) {
      throw new ContentLengthMismatchError(expected, body.length);
    }
    const counter = countingStream(expected);
    // lib-storage reports the counter's errors through done(); this listener only keeps a late
    // error (after lib-storage stopped listening) from becoming an uncaught exception.
    counter.on('error', () => undefined);
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    // A source error destroys the counter, which fails the Upload: errors are reported by done().
    source.on('error', (err) => counter.destroy(err));
    source.pipe(counter);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: counter, ContentType: options.contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      // Abort the multipart upload on failure: nothing is published until CompleteMultipartUpload,
      // and a short or long stream fails before that (the counter errors), so no partial object.
      leavePartsOnError: false,
    });
    let result;
    try {
      result = await upload.done();
    } catch (err) {
      source.unpipe(counter);
      counter.destroy();
      if (!source.destroyed) source.destroy(); // stop reading a body nobody will store
      throw err;
    }
    if (expected !== undefined && counter.bytes !== expected) {
      // Belt and braces: should be unreachable, but never leave a wrong-sized object behind.
      await this.delete(key);
      throw new ContentLengthMismatchError(expected, counter.bytes);
    }
    return { size: counter.bytes, etag: result.ETag };
  }

  async get(key: string, range?: ByteRange): Promise<GetResult> {
    assertValidKey(key);
    if (range && (!Number.isSafeInteger(range.start) || range.start < 0 || range.end < range.start)) {
      throw new RangeNotSatisfiableError();
    }
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      const contentLength = res.ContentLength ?? 0;
      // With a range, the whole size is only in "Content-Range: bytes s-e/size".
      const size = range ? Number(/\/(\d+)$/.exec(res.ContentRange ?? '')?.[1] ?? contentLength) : contentLength;
      return {
        body: (res.Body as Readable | undefined) ?? Readable.from([]),
        contentLength,
        size,
        contentType: res.ContentType,
        etag: res.ETag,
      };
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      if (errName(err) === 'InvalidRange' || httpStatus(err) === 416) throw new RangeNotSatisfiableError();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0), etag: res.ETag };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Server-side copy: one CopyObject up to 5 GiB, a multipart copy in 1 GiB parts beyond. */
  async copy(sourceKey: string, destinationKey: string): Promise<void> {
    assertValidKey(sourceKey);
    assertValidKey(destinationKey);
    const info = await this.head(sourceKey);
    if (!info) throw new ObjectNotFoundError(sourceKey);
    const source = `${this.bucket}/${sourceKey.split('/').map(encodeURIComponent).join('/')}`;
    if (info.size <= 5 * 1024 ** 3) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: destinationKey, CopySource: source }));
      return;
    }
    const uploadId = await this.createMultipartUpload(destinationKey);
    try {
      const parts = [];
      const partSize = 1024 ** 3;
      for (let start = 0, n = 1; start < info.size; start += partSize, n++) {
        const end = Math.min(start + partSize, info.size) - 1;
        const res = await this.client.send(
          new UploadPartCopyCommand({ Bucket: this.bucket, Key: destinationKey, UploadId: uploadId, PartNumber: n, CopySource: source, CopySourceRange: `bytes=${start}-${end}` }),
        );
        parts.push({ partNumber: n, etag: res.CopyPartResult?.ETag ?? '' });
      }
      await this.completeMultipartUpload(destinationKey, uploadId, parts);
    } catch (err) {
      await this.abortMultipartUpload(destinationKey, uploadId).catch(() => undefined);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    // S3 answers 204 for a missing key too.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertValidPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0), etag: o.ETag };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async signedUrl(key: string, method: 'GET' | 'PUT', options: SignedUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const command =
      method === 'GET'
        ? new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ResponseContentDisposition: options.filename ? attachmentDisposition(options.filename) : undefined,
          })
        : new PutObjectCommand({ Bucket: this.bucket, Key: key });
    return getSignedUrl(this.presignClient, command, { expiresIn: options.expiresInSeconds ?? this.defaultTtlSeconds });
  }

  async createMultipartUpload(key: string): Promise<string> {
    assertValidKey(key);
    const res = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }));
    if (!res.UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
    return res.UploadId;
  }

  async signedPartUrl(key: string, uploadId: string, partNumber: number, options: PartUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const command = new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber });
    return getSignedUrl(this.presignClient, command, { expiresIn: options.expiresInSeconds ?? this.defaultTtlSeconds });
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void> {
    assertValidKey(key);
    if (parts.length === 0) throw new InvalidPartError('a multipart upload needs at least one part');
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    } catch (err) {
      throw mapMultipartError(err, uploadId);
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if (errName(err) === 'NoSuchUpload' || httpStatus(err) === 404) return; // idempotent, like the fs driver
      throw err;
    }
  }

  async healthCheck(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }

  /** Creates the bucket unless it exists. Run at boot so a fresh MinIO/moto works out of the box. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const region = await this.client.config.region();
    try {
      await this.client.send(
        new CreateBucketCommand({
          Bucket: this.bucket,
          // us-east-1 is the one region that rejects an explicit LocationConstraint.
          CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as never },
        }),
      );
    } catch (err) {
      if (errName(err) !== 'BucketAlreadyOwnedByYou') throw err; // lost a race with another instance
    }
  }

  /** Closes the HTTP agents' sockets; Nest calls this on shutdown. */
  onModuleDestroy(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}

function clientConfig(config: S3StorageConfig, endpoint: string | null): S3ClientConfig {
  return {
    region: config.region,
    endpoint: endpoint ?? undefined,
    forcePathStyle: config.forcePathStyle,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined, // undefined: the SDK's default chain (env, profile, instance role)
    // Recent SDKs add CRC32 checksums to every upload by default, which many S3-compatible
    // stores reject and which would end up baked into presigned PUT URLs. Only when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** Pass-through that counts bytes and errors on any deviation from `expected`. */
function countingStream(expected: number | undefined): Transform & { bytes: number } {
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      stream.bytes += chunk.length;
      if (expected !== undefined && stream.bytes > expected) return done(new ContentLengthMismatchError(expected, stream.bytes));
      done(null, chunk);
    },
    // Erroring in flush (before the readable side ends) fails the Upload before it completes.
    flush(done) {
      if (expected !== undefined && stream.bytes !== expected) return done(new ContentLengthMismatchError(expected, stream.bytes));
      done();
    },
  }) as Transform & { bytes: number };
  stream.bytes = 0;
  return stream;
}

function mapMultipartError(err: unknown, uploadId: string): unknown {
  const name = errName(err);
  if (name === 'NoSuchUpload') return new NoSuchUploadError(uploadId);
  if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
    return new InvalidPartError((err as Error).message || name, name);
  }
  return err;
}

function errName(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** A missing key (or a HEAD's bare 404). A missing bucket is a misconfiguration, not "absent". */
function isNotFound(err: unknown): boolean {
  const name = errName(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NotFound' || name === 'NoSuchKey' || httpStatus(err) === 404;
}
