import { Global, Module } from '@nestjs/common';
import { DegradedChecks } from './degraded-checks';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';
import { VersionController } from './version.controller';

/**
 * `/health`, `/health/ready` and `/api/version`. Relies on two globally available providers:
 * the TypeORM `DataSource` (TypeOrmModule.forRoot) and `OBJECT_STORE` (the global StorageModule);
 * and, when present, `MailTransport` (the global MailModule) for the SMTP check.
 */
@Global() // DegradedChecks: feature modules report their optional dependencies there
@Module({
  controllers: [HealthController, VersionController],
  providers: [ReadinessService, DegradedChecks],
  exports: [DegradedChecks],
})
export class HealthModule {}
