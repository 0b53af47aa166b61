import { BadRequestError, DomainError, NotFoundError } from '../errors/domain-error';

/**
 * Errors both drivers throw for the same situations, so callers (and the HTTP filter) see one
 * vocabulary whatever the driver. They are DomainErrors: if one escapes to HTTP it maps to a
 * sensible 4xx rather than a 500.
 */

/** A key that could escape the store root or collide with the driver's own bookkeeping. */
export class InvalidObjectKeyError extends BadRequestError {
  constructor(key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key.slice(0, 200))}: ${reason}`, 'InvalidObjectKey');
  }
}

/** The stream delivered a different number of bytes than the declared contentLength. */
export class ContentLengthMismatchError extends BadRequestError {
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`expected ${expected} bytes, received ${received}${received > expected ? ' or more' : ''}`, 'ContentLengthMismatch');
  }
}

export class RangeNotSatisfiableError extends DomainError {
  constructor(message = 'Requested range not satisfiable') {
    super(416, 'RangeNotSatisfiable', message);
  }
}

export class NoSuchUploadError extends NotFoundError {
  constructor(uploadId: string) {
    super(`multipart upload not found: ${uploadId.slice(0, 200)}`, 'NoSuchUpload');
  }
}

/** A completed part list that does not match the stored parts (missing, wrong ETag, out of order). */
export class InvalidPartError extends BadRequestError {
  constructor(message: string, code = 'InvalidPart') {
    super(message, code);
  }
}
