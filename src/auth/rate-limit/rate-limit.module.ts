import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { RateLimitCleanupJob } from './rate-limit-cleanup.job';
import { RateLimitMiddleware } from './rate-limit.middleware';
import { RateLimitRepository } from './rate-limit.repository';

/** Per-caller request limits in the Hub's buckets (HANGAR_RATE_LIMIT_*; off by default). */
@Module({
  providers: [RateLimitRepository, RateLimitMiddleware, RateLimitCleanupJob],
})
export class RateLimitModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every URL, matched or not: a flood of 404s is still a flood.
    consumer.apply(RateLimitMiddleware).forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}
