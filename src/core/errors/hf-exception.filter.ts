import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { redactUrl } from '../logging/log-redaction';
import { EventLog } from '../events/event-log';
import { DomainError } from './domain-error';
import { QuotaExceededError } from './quota-exceeded';
import { RepoRedirect } from './redirect';
import { ServerBusyError } from '../http/concurrency-limits';

interface ErrorShape {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  416: 'RangeNotSatisfiable',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
};

/**
 * The one place where an error becomes an HTTP answer in the HF shape. Unknown errors are
 * logged with the request id and answered with a bare 500 that reveals nothing internal.
 */
@Catch()
export class HfExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HfExceptionFilter');

  /** Optional: harnesses that build the filter by hand have no event log. */
  constructor(@Optional() private readonly events?: EventLog) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const requestId = String((req as { id?: unknown }).id ?? '');
    if (exception instanceof RepoRedirect && !res.headersSent) {
      res.redirect(307, exception.location);
      return;
    }
    const shape = toErrorShape(exception);
    // Every HTTP quota refusal passes here, whether the service or the accounting trigger refused.
    if (shape.code === 'QuotaExceeded') void this.reportQuotaRefusal(req, shape);
    // A busy node's refusal is load shedding working as meant, not a failure: logging each one
    // as an error would flood the log exactly when the node is busiest.
    if (shape.status >= 500 && !(exception instanceof ServerBusyError)) {
      this.logger.error(
        { err: exception, requestId, method: req.method, url: redactUrl(req.originalUrl) },
        'unhandled error while serving a request',
      );
    }
    // A streaming answer that already sent its headers can only be cut short.
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(shape.status);
    // Headers a handler declared for its success answer (@Header: an image type, public caching)
    // are already set when it throws; an error answer is JSON and is not cached.
    res.removeHeader('Cache-Control');
    res.setHeader('X-Error-Code', shape.code);
    res.setHeader('X-Error-Message', headerSafe(shape.message));
    if (requestId) res.setHeader('X-Request-Id', requestId);
    for (const [name, value] of Object.entries(shape.headers ?? {})) res.setHeader(name, value);
    if (req.method === 'HEAD') {
      // The headers GET would send, the body's type included.
      res.type(isGitLfsRoute(req) ? 'application/vnd.git-lfs+json' : 'application/json').end();
      return;
    }
    if (isGitLfsRoute(req)) {
      // git-lfs prints `message`; it also expects its own media type on errors.
      res.type('application/vnd.git-lfs+json').send(JSON.stringify({ message: shape.message, request_id: requestId || undefined }));
      return;
    }
    if (prefersPlainText(req)) {
      // huggingface_hub's RepoCard.validate asks for text and shows the body as it is.
      res.type('text/plain').send(shape.message);
      return;
    }
    res.type('application/json').json({ ...(shape.details ?? {}), error: shape.message });
  }

  private async reportQuotaRefusal(req: Request, shape: ErrorShape): Promise<void> {
    const quota = (shape.details?.quota ?? {}) as { namespace?: string };
    const principal = (req as { principal?: { user?: { name?: string } } | null }).principal;
    await this.events?.report({
      type: 'quota.refused',
      actor: principal?.user?.name ? `user:${principal.user.name}` : null,
      target: quota.namespace ? `namespace:${quota.namespace}` : null,
      data: { ...quota, method: req.method, path: redactUrl(req.originalUrl).split('?')[0] },
    });
  }
}

function prefersPlainText(req: Request): boolean {
  return typeof req.headers.accept === 'string' && req.accepts(['application/json', 'text/plain']) === 'text/plain';
}

function isGitLfsRoute(req: Request): boolean {
  return req.path.includes('.git/info/lfs/');
}

export function toErrorShape(exception: unknown): ErrorShape {
  // The accounting triggers' refusal reaches here as a database error from any writer.
  exception = QuotaExceededError.fromDatabase(exception) ?? exception;
  if (exception instanceof DomainError) {
    return { status: exception.status, code: exception.code, message: exception.message, details: exception.details, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) return internal();
    return { status, code: CODES_BY_STATUS[status] ?? 'HttpError', message: httpExceptionMessage(exception, status) };
  }
  // Body parsers (express.json) throw plain errors carrying a status: malformed JSON, too large.
  const withStatus = exception as { status?: unknown; type?: unknown; expose?: unknown };
  if (typeof withStatus?.status === 'number' && withStatus.status >= 400 && withStatus.status < 500) {
    const status = withStatus.status;
    const message =
      withStatus.type === 'entity.parse.failed'
        ? 'Malformed JSON in request body'
        : withStatus.type === 'entity.too.large'
          ? 'Request body too large'
          : (CODES_BY_STATUS[status] ?? 'Bad request');
    return { status, code: CODES_BY_STATUS[status] ?? 'BadRequest', message };
  }
  return internal();
}

function internal(): ErrorShape {
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, code: 'InternalError', message: 'Internal server error' };
}

function httpExceptionMessage(exception: HttpException, status: number): string {
  if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(exception.message)) {
    return 'Not found';
  }
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/** Header values must be single-line Latin-1; keep them short. */
function headerSafe(message: string): string {
  return message
    .replace(/[\r\n]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 1000);
}
