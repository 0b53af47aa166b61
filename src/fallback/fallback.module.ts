import { Module } from '@nestjs/common';
import { AuditRepository } from '../admin/audit/audit.repository';
import type { HangarConfig } from '../core/config/config';
import { HANGAR_CONFIG } from '../core/config/config.module';
import { AtRestCipher } from '../core/crypto/at-rest';
import { AdminFallbackSourcesController } from './admin-fallback-sources.controller';
import { FallbackAvailableController } from './fallback-available.controller';
import { FallbackSourcesRepository } from './fallback-sources.repository';
import { FALLBACK_CIPHER, FallbackSourcesService } from './fallback-sources.service';

/** Upstream hubs (issue 18). For now their records and admin API; the read-through comes later. */
@Module({
  controllers: [AdminFallbackSourcesController, FallbackAvailableController],
  providers: [
    FallbackSourcesRepository,
    FallbackSourcesService,
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
export class FallbackModule {}
