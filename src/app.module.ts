import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { RateLimitModule } from './auth/rate-limit/rate-limit.module';
import { InvitationsModule } from './invitations/invitations.module';
import { MailModule } from './core/mail/mail.module';
import { ClientChatterModule } from './chatter/client-chatter.module';
import { CollectionsModule } from './collections/collections.module';
import { CommitsModule } from './commits/commits.module';
import { DiscussionsModule } from './discussions/discussions.module';
import { FallbackModule } from './fallback/fallback.module';
import { GitHttpModule } from './git/http/git-http.module';
import { LfsModule } from './lfs/lfs.module';
import { XetModule } from './xet/xet.module';
import { QuotaModule } from './quota/quota.module';
import { BrowseModule } from './repos/browse/browse.module';
import { ReposModule } from './repos/repos.module';
import { RepoDuplicateModule } from './repos/duplicate/repo-duplicate.module';
import type { HangarConfig } from './core/config/config';
import { ConfigModule } from './core/config/config.module';
import { DatabaseModule } from './core/database/database.module';
import { EventsModule } from './core/events/events.module';
import { HfExceptionFilter } from './core/errors/hf-exception.filter';
import { createValidationPipe } from './core/errors/validation';
import { HealthModule } from './core/health/health.module';
import { LoggingModule } from './core/logging/logging.module';
import { MetricsModule } from './core/metrics/metrics.module';
import { SchedulingModule } from './core/scheduling/scheduling.module';
import { ConcurrencyLimitsModule } from './core/http/concurrency-limits';
import { StorageModule } from './core/storage/storage.module';
import { DownloadsModule } from './stats/downloads/downloads.module';
import { StatsModule } from './stats/stats.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { WebUiModule } from './web-ui/web-ui.module';

/**
 * The whole application. Tests boot exactly this module, so they run the production pipeline
 * (validation pipe, HF error filter, auth guard, logging, metrics).
 */
@Module({})
export class AppModule {
  static forRoot(config: HangarConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, config.database.poolSize),
        SchedulingModule,
        ConcurrencyLimitsModule,
        EventsModule,
        DownloadsModule,
        StorageModule,
        MetricsModule,
        MailModule,
        HealthModule,
        AuthModule,
        RateLimitModule,
        InvitationsModule,
        ReposModule,
        QuotaModule,
        LfsModule,
        XetModule,
        BrowseModule,
        RepoDuplicateModule,
        CommitsModule,
        DiscussionsModule,
        CollectionsModule,
        GitHttpModule,
        StatsModule,
        WebhooksModule,
        AdminModule,
        FallbackModule,
        ClientChatterModule,
        // Last: its catch-all route must only see paths no API route matched.
        WebUiModule,
      ],
      providers: [
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HfExceptionFilter },
      ],
    };
  }
}
