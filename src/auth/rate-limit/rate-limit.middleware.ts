import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { sha256 } from '../../core/crypto/secrets';
import { TooManyRequestsError } from '../../core/errors/domain-error';
import { readCredentials } from '../credentials';
import { bucketFor, isOverLimit, rateLimitHeaders, RateLimitState } from './rate-limit-buckets';
import { RateLimitRepository } from './rate-limit.repository';

const STORE_WARNING_EVERY_MS = 60_000;

/**
 * Counts every request in its bucket, per user (per client address when anonymous, which
 * honors HANGAR_TRUST_PROXY through `req.ip`), and answers 429 with the Hub's headers once the
 * window's limit is spent. Runs before routing and the auth guard, so refused requests cost one
 * statement and nothing else. When the counter store fails the request goes through: a limiter
 * must not turn a database hiccup into an outage of every route.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly logger = new Logger('RateLimit');
  private lastStoreWarning = 0;

  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly counters: RateLimitRepository,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    const bucket = bucketFor(req.path);
    const limit = bucket ? this.config.rateLimit[bucket] : 0;
    if (!bucket || limit === 0) return next();
    const windowSeconds = this.config.rateLimit.windowSeconds;
    const { token, sessionSecret } = readCredentials(req);
    let state: RateLimitState;
    try {
      const counted = await this.counters.count({
        bucket,
        windowSeconds,
        tokenHash: token ? sha256(token) : null,
        sessionHash: sessionSecret ? sha256(sessionSecret) : null,
        fallbackCaller: `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`,
      });
      state = { bucket, limit, windowSeconds, ...counted };
    } catch (err) {
      this.warnStoreFailed(err);
      return next();
    }
    for (const [name, value] of Object.entries(rateLimitHeaders(state))) res.setHeader(name, value);
    if (!isOverLimit(state)) return next();
    next(
      new TooManyRequestsError(
        `Rate limit reached: ${limit} "${bucket}" requests per ${windowSeconds} seconds; retry in ${state.resetSeconds} seconds`,
        'RateLimited',
        state.resetSeconds,
      ),
    );
  }

  private warnStoreFailed(err: unknown): void {
    const now = Date.now();
    if (now - this.lastStoreWarning < STORE_WARNING_EVERY_MS) return;
    this.lastStoreWarning = now;
    this.logger.warn({ err }, 'rate-limit counters unavailable: requests pass unlimited until the store answers again');
  }
}
