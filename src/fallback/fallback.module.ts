import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AuditRepository } from '../admin/audit/audit.repository';
import type { HangarConfig } from '../core/config/config';
import { HANGAR_CONFIG } from '../core/config/config.module';
import { AtRestCipher } from '../core/crypto/at-rest';
import { AdminFallbackSourcesController } from './admin-fallback-sources.controller';
import { FallbackAvailableController } from './fallback-available.controller';
import { FallbackSourcesRepository } from './fallback-sources.repository';
import { ReposModule } from '../repos/repos.module';
import { FallbackCacheRepository } from './read-through/fallback-cache.repository';
import { FallbackContentService } from './read-through/fallback-content.service';
import { FallbackCacheService } from './read-through/fallback-cache.service';
import { SourceHealthService } from './read-through/source-health.service';
import { FallbackReadThroughService } from './read-through/fallback-read-through.service';
import { FallbackMiddleware } from './read-through/fallback.middleware';
import { ProfileReadThroughService } from './read-through/profile-read-through.service';
import { RefResolver } from './read-through/ref-resolver.service';
import { ExternalTokensController } from './external-tokens/external-tokens.controller';
import { ExternalTokensRepository } from './external-tokens/external-tokens.repository';
import { ExternalTokensService } from './external-tokens/external-tokens.service';
import { FALLBACK_CIPHER, FallbackSourcesService } from './fallback-sources.service';

/** Upstream hubs (issue 18): their records and admin API, and the read-through for repositories that are not local. */
@Module({
  imports: [ReposModule],
  controllers: [AdminFallbackSourcesController, FallbackAvailableController, ExternalTokensController],
  providers: [
    FallbackSourcesRepository,
    FallbackSourcesService,
    FallbackCacheRepository,
    ExternalTokensRepository,
    ExternalTokensService,
    RefResolver,
    FallbackContentService,
    FallbackCacheService,
    SourceHealthService,
    FallbackReadThroughService,
    ProfileReadThroughService,
    AuditRepository,
    {
      provide: FALLBACK_CIPHER,
      inject: [HANGAR_CONFIG],
      // HANGAR_DATABASE_KEY when set, else the server secret (always resolved by boot).
      useFactory: (config: HangarConfig) => new AtRestCipher(config.databaseKey ?? config.secret ?? ''),
    },
  ],
  exports: [FallbackSourcesService],
})
export class FallbackModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Every path: the middleware picks out the read routes itself (fallback-route.ts).
    consumer.apply(FallbackMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
