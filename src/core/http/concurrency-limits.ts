import { Global, Injectable, Module } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { HangarConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { DomainError } from '../errors/domain-error';
import { HfErrorDto } from '../errors/hf-error.dto';

/** The expensive kinds of work a node runs only so many of at once (HANGAR_LIMIT_*). */
export type ExpensiveWork = 'gitPacks' | 'xetVerifications' | 'listings';

/** Seconds a refused client is told to wait: these slots free up within seconds. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

const DESCRIPTIONS: Record<ExpensiveWork, string> = {
  gitPacks: 'git pack generations (clone/fetch)',
  xetVerifications: 'Xet shard verifications',
  listings: 'large listings',
};

export class ServerBusyError extends DomainError {
  constructor(work: ExpensiveWork, limit: number) {
    super(503, 'ServerBusy', `This server is already running ${limit} ${DESCRIPTIONS[work]}; retry in ${BUSY_RETRY_AFTER_SECONDS} seconds`, undefined, {
      'Retry-After': String(BUSY_RETRY_AFTER_SECONDS),
    });
  }
}

/** What a slot is tied to: an HTTP response (it emits 'close' when it ends or its client goes away). */
export interface SlotHolder {
  readonly closed?: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Per-node slots for expensive work. A request takes its slot before starting the work and gives
 * it back when its response closes: finished, failed, or abandoned by the client (Node emits
 * 'close' in every case; streamed answers hold it while they stream). Past the limit a request
 * is refused at once, 503 with Retry-After, never queued: a burst of clones must not take every
 * core and database connection from everyone else. A limit of 0 means no limit.
 */
@Injectable()
export class ConcurrencyLimits {
  private readonly running: Record<ExpensiveWork, number> = { gitPacks: 0, xetVerifications: 0, listings: 0 };

  constructor(@InjectConfig() private readonly config: Pick<HangarConfig, 'limits'>) {}

  /** Takes a slot for `work` until `holder` closes; throws ServerBusyError when none is free. */
  enter(work: ExpensiveWork, holder: SlotHolder): void {
    const limit = this.config.limits[work];
    // A response already closed would never emit 'close' again and so never give its slot back.
    if (limit === 0 || holder.closed) return;
    if (this.running[work] >= limit) throw new ServerBusyError(work, limit);
    this.running[work]++;
    holder.once('close', () => this.running[work]--);
  }

  /** Slots taken now (for tests and diagnostics). */
  inUse(work: ExpensiveWork): number {
    return this.running[work];
  }
}

@Global()
@Module({ providers: [ConcurrencyLimits], exports: [ConcurrencyLimits] })
export class ConcurrencyLimitsModule {}

/** Documents the 503 a limited route answers when its slots are taken. */
export function ApiBusyResponse(variable: string) {
  return ApiResponse({
    status: 503,
    description: `This node already runs as many of these at once as ${variable} allows (X-Error-Code: ServerBusy); retry after Retry-After seconds`,
    type: HfErrorDto,
    headers: {
      'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'string' } },
      'X-Error-Code': { description: 'ServerBusy', schema: { type: 'string' } },
      'X-Error-Message': { description: 'Human-readable message', schema: { type: 'string' } },
    },
  });
}
