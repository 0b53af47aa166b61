import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ClusterLock } from './cluster-lock';

/** Cron support plus the cluster-wide lock every scheduled job takes. */
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [ClusterLock],
  exports: [ClusterLock],
})
export class SchedulingModule {}
