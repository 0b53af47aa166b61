import type { Readable } from 'node:stream';

/**
 * The one port to file contents. Two drivers implement it: `FsObjectStore` (a directory,
 * the embedded default) and `S3ObjectStore` (any S3-compatible store). Keys are
 * slash-separated relative paths (`lfs/ab/cd/<sha256>`); callers never see driver paths.
 * Everything streams: no method buffers a whole object.
 */
export interface ObjectStore {
  readonly driver: 'fs' | 's3';

  /** Streams `body` into `key`. The object appears whole or not at all. */
  put(key: string, body: Readable | Buffer, options?: PutOptions): Promise<PutResult>;

  /** Streams the object, or the inclusive byte range `[start, end]` of it. Throws ObjectNotFoundError. */
  get(key: string, range?: ByteRange): Promise<GetResult>;

  /** Size and metadata, or null when the object does not exist. */
  head(key: string): Promise<ObjectInfo | null>;

  /** Copies an object to another key inside the store (no bytes through Hangar). Throws ObjectNotFoundError. */
  copy(sourceKey: string, destinationKey: string): Promise<void>;

  /** Removes the object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;

  /** Every key under `prefix`, in lexicographic order, paged by the driver internally. */
  list(prefix: string): AsyncIterable<ObjectInfo>;

  /**
   * A URL that lets its holder GET (optionally as attachment `filename`) or PUT this one key
   * until it expires. S3: presigned on the public endpoint. fs: signed by Hangar and served by
   * Hangar's storage controller.
   */
  signedUrl(key: string, method: 'GET' | 'PUT', options?: SignedUrlOptions): Promise<string>;

  /** Multipart upload: create, hand out part URLs, then complete (or abort). */
  createMultipartUpload(key: string): Promise<string>;
  signedPartUrl(key: string, uploadId: string, partNumber: number, options?: PartUrlOptions): Promise<string>;
  completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void>;
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;

  /**
   * Drivers with local scratch space (fs: `.tmp` files and `.multipart` folders) remove what is
   * older than `maxAgeMs` there (crash leftovers); returns how many entries went.
   */
  sweep?(maxAgeMs: number): Promise<number>;

  /** Throws when the store cannot be reached or written; used by /health/ready. */
  healthCheck(): Promise<void>;
}

export interface PutOptions {
  contentType?: string;
  /** Declared length; the put fails if the stream delivers a different number of bytes. */
  contentLength?: number;
}

export interface PutResult {
  size: number;
  etag?: string;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

export interface GetResult {
  body: Readable;
  /** Bytes in `body` (the range length when a range was asked). */
  contentLength: number;
  /** Size of the whole object. */
  size: number;
  contentType?: string;
  etag?: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  etag?: string;
}

export interface SignedUrlOptions {
  expiresInSeconds?: number;
  /** GET only: answer with `Content-Disposition: attachment; filename="…"`. */
  filename?: string;
  /**
   * fs only: the Hangar base URL the link is for (the request's public base URL); the signature
   * does not cover it. S3 presigns for its own (public) endpoint and ignores it.
   */
  baseUrl?: string;
}

export type PartUrlOptions = Pick<SignedUrlOptions, 'expiresInSeconds' | 'baseUrl'>;

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export const OBJECT_STORE = Symbol('OBJECT_STORE');

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}
