import type { IncomingMessage, ServerResponse } from 'node:http';
import { Store, storage } from 'nestjs-pino/storage';
import type { Level, LevelWithSilent, Logger } from 'pino';
import { assignRequestId } from './request-id';

/**
 * Per-request logging without per-request cost (issue 24). pino-http bound a child logger with
 * the whole serialized request (headers redacted, then stringified) at the start of every
 * request, a third of the time of a `HEAD /health`, although at the usual `warn` level almost no
 * request writes a line. Here the request's logger is made on its first line only, and the
 * "request completed" line is built only when its level is enabled. The lines are the ones
 * pino-http wrote: `req` (the `req` serializer), `res`, `responseTime`, `err` on failures.
 */

type RequestWithLog = IncomingMessage & { id?: unknown; log?: Logger; originalUrl?: string };

const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** The request's logger: `root.child({ req })`, made on the first call that would write a line. */
export function lazyRequestLogger(root: Logger, req: IncomingMessage): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= root.child({ req }));
  return new Proxy(root, {
    get(target, prop) {
      // A disabled level costs nothing: no child, no serialization.
      if (child === undefined && typeof prop === 'string' && (LEVELS as readonly string[]).includes(prop) && !target.isLevelEnabled(prop)) return noop;
      const logger = real();
      const value: unknown = Reflect.get(logger, prop, logger);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(real(), prop, value);
    },
  });
}

function noop(): void {}

/**
 * Below this level, application lines written while a request is served carry the request (its
 * id, method, URL): they go through the request's logger, found by AsyncLocalStorage. On Node 20
 * an AsyncLocalStorage in use hooks every promise of the process, about a fifth of the CPU of a
 * resolve HEAD, so it is turned on only when such lines are wanted (`debug`, `trace`). At `info`
 * and above the request line itself carries the request, and the error filter names the request
 * id of every failure it logs.
 */
const CONTEXT_LEVELS: ReadonlySet<string> = new Set(['debug', 'trace']);

/**
 * The Express-style middleware: gives the request its id, its lazy logger (at `debug`/`trace`
 * also the logger of `nestjs-pino`'s PinoLogger while the request is served), and one line when
 * the response ends (or the client goes away) at the level `levelOf` picks.
 */
export function requestLogging(
  root: Logger,
  levelOf: (req: IncomingMessage, res: ServerResponse, err?: Error) => LevelWithSilent,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const withContext = CONTEXT_LEVELS.has(root.level);
  return (req, res, next) => {
    const r = req as RequestWithLog;
    assignRequestId(req, res);
    const log = lazyRequestLogger(root, req);
    r.log = log;
    const start = Date.now();
    let logged = false;
    const onEnd = (err?: Error): void => {
      if (logged) return;
      logged = true;
      res.removeListener('finish', onEnd);
      res.removeListener('close', onEnd);
      const level = levelOf(req, res, err);
      if (level === 'silent' || !root.isLevelEnabled(level)) return;
      const responseTime = Date.now() - start;
      const failure = err ?? (res.statusCode >= 500 ? new Error(`failed with status code ${res.statusCode}`) : undefined);
      if (failure) log[level]({ res, err: failure, responseTime }, 'request errored');
      else log[level]({ res, responseTime }, 'request completed');
    };
    res.on('finish', onEnd);
    res.on('close', onEnd);
    if (withContext) storage.run(new Store(log), next);
    else next();
  };
}
