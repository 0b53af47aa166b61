import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { LfsBatchController } from './lfs-batch.controller';
import { LfsUploadController } from './lfs-upload.controller';
import { LfsCleanupJob } from './lfs-cleanup.job';
import { LfsRepository } from './lfs.repository';
import { LfsService } from './lfs.service';

@Module({
  imports: [ReposModule],
  controllers: [LfsBatchController, LfsUploadController],
  providers: [LfsRepository, LfsService, LfsCleanupJob],
  exports: [LfsService],
})
export class LfsModule {}
