/**
 * Typed errors thrown by services. The HF error filter is the one place that turns them into
 * HTTP: status, `{"error": message}`, `X-Error-Code` and `X-Error-Message`.
 * Codes the HF clients recognise (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo)
 * must be spelled exactly so; the others are Hangar's own and documented in the OpenAPI spec.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra JSON fields merged into the body beside `error` (never secrets). */
    readonly details?: Record<string, unknown>,
    /** Extra response headers (e.g. an auth challenge). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = code;
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, code = 'BadRequest', details?: Record<string, unknown>) {
    super(400, code, message, details);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(400, 'ValidationError', message, details);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required', code = 'Unauthorized', headers?: Record<string, string>) {
    super(401, code, message, undefined, headers);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string, code = 'Forbidden') {
    super(403, code, message);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string, code = 'NotFound') {
    super(404, code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, code = 'Conflict', details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(message: string, code: string, retryAfterSeconds: number) {
    super(429, code, message, { retry_after: retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
  }
}
