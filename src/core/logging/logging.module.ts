import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';
import type { Options } from 'pino-http';
import type { HangarConfig } from '../config/config';
import { REDACT_CENSOR, REDACT_PATHS, serializeRequest, serializeResponse } from './log-redaction';
import { assignRequestId } from './request-id';

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

/** pino-http options for Hangar (also the options of the out-of-request logger). */
export function pinoHttpOptions(config: Pick<HangarConfig, 'logLevel'>): Options {
  return {
    level: config.logLevel,
    // ISO time and level names: readable by people tailing the JSON, and by log shippers.
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACT_CENSOR },
    serializers: { req: serializeRequest, res: serializeResponse },
    genReqId: (req, res) => assignRequestId(req, res),
    customLogLevel: requestLogLevel,
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
export class LoggingModule {
  static forRoot(config: Pick<HangarConfig, 'logLevel'>, stream?: DestinationStream): DynamicModule {
    const options = pinoHttpOptions(config);
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: stream ? [options, stream] : options })],
      exports: [LoggerModule],
    };
  }
}
