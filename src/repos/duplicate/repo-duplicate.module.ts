import { Module } from '@nestjs/common';
import { LfsModule } from '../../lfs/lfs.module';
import { ReposModule } from '../repos.module';
import { RepoDuplicateController } from './repo-duplicate.controller';

/** Repository duplication: repos (the new repository, its history) and lfs (its LFS and Xet holds). */
@Module({
  imports: [ReposModule, LfsModule],
  controllers: [RepoDuplicateController],
})
export class RepoDuplicateModule {}
