import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type LevelWithSilent, type Logger, type LoggerOptions } from 'pino';
import type { HangarConfig } from '../config/config';
import { REDACT_CENSOR, REDACT_PATHS, serializeRequest, serializeResponse } from './log-redaction';
import { requestLogging } from './request-logger';

const ROOT_LOGGER = Symbol('hangar.rootLogger');

/**
 * Probes hit these every few seconds, and the clients' own chatter (agent registry, hf_xet
 * telemetry) comes with most commands; a line per request would drown the useful logs.
 */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics', '/api/agent-harnesses', '/v1/telemetry']);

function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** One line per request: errors loud, probes silent unless they fail. */
function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  const failed = Boolean(err) || res.statusCode >= 500;
  if (QUIET_PATHS.has(pathOf(req))) return failed ? 'warn' : 'silent';
  return failed ? 'error' : 'info';
}

/** A request as Node gives it (then mapped by pino's standard serializer), or one already mapped. */
function serializeAnyRequest(req: IncomingMessage | Parameters<typeof serializeRequest>[0]): ReturnType<typeof serializeRequest> {
  return serializeRequest('socket' in req ? pino.stdSerializers.req(req as IncomingMessage) : req);
}

/** pino options for Hangar's one root logger (requests' loggers are its children). */
export function loggerOptions(config: Pick<HangarConfig, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    // ISO time and level names: readable by people tailing the JSON, and by log shippers.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR },
    serializers: { req: serializeAnyRequest, res: serializeResponse },
  };
}

/**
 * JSON request and application logs through pino. Every request gets an id (`req.id`, the
 * `X-Request-Id` response header, and `req.id` on each log line written while serving it).
 * The app should be created with `bufferLogs: true` and then `app.useLogger(app.get(Logger))`
 * so Nest's own logs go through pino too; `stream` lets tests capture the lines.
 * Nest middleware runs after the body parsers, so requests they reject (malformed JSON) get an
 * id only when `requestIdMiddleware` is also registered with `app.use()` before init.
 */
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Logger) {}

  static forRoot(config: Pick<HangarConfig, 'logLevel'>, stream?: DestinationStream): DynamicModule {
    const root = stream ? pino(loggerOptions(config), stream) : pino(loggerOptions(config));
    return {
      module: LoggingModule,
      // nestjs-pino's own request middleware is replaced by `requestLogging` (see request-logger.ts):
      // `useExisting` with no routes leaves it only the root logger for Nest's and the services' lines.
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: root }, useExisting: true, forRoutes: [] })],
      providers: [{ provide: ROOT_LOGGER, useValue: root }],
      exports: [LoggerModule],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestLogging(this.root, requestLogLevel)).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
