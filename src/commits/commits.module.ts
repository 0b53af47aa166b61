import { QuotaModule } from '../quota/quota.module';
import { Module } from '@nestjs/common';
import { DiscussionsModule } from '../discussions/discussions.module';
import { GitModule } from '../git/git.module';
import { LfsModule } from '../lfs/lfs.module';
import { ReposModule } from '../repos/repos.module';
import { CommitsController } from './commits.controller';
import { CommitsService } from './commits.service';

@Module({
  imports: [GitModule, ReposModule, LfsModule, QuotaModule, DiscussionsModule],
  controllers: [CommitsController],
  providers: [CommitsService],
})
export class CommitsModule {}
