import { QuotaModule } from '../quota/quota.module';
import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { XetStorageModule } from '../xet/storage/xet-storage.module';
import { XetTokensModule } from '../xet/tokens/xet-tokens.module';
import { LfsBatchController } from './lfs-batch.controller';
import { LfsUploadController } from './lfs-upload.controller';
import { LfsDownloadController } from './lfs-download.controller';
import { LfsDuplicateController } from './lfs-duplicate.controller';
import { LfsFilesController } from './files/lfs-files.controller';
import { LfsFilesService } from './files/lfs-files.service';
import { LfsCleanupJob } from './lfs-cleanup.job';
import { LfsRetentionJob } from './lfs-retention.job';
import { LfsRepository } from './lfs.repository';
import { LfsService } from './lfs.service';
import { LfsLocksController } from './locks/lfs-locks.controller';
import { LfsLocksRepository } from './locks/lfs-locks.repository';
import { LfsLocksService } from './locks/lfs-locks.service';

@Module({
  imports: [ReposModule, QuotaModule, XetStorageModule, XetTokensModule],
  controllers: [LfsBatchController, LfsUploadController, LfsDownloadController, LfsDuplicateController, LfsFilesController, LfsLocksController],
  providers: [LfsRepository, LfsService, LfsCleanupJob, LfsRetentionJob, LfsLocksRepository, LfsLocksService, LfsFilesService],
  exports: [LfsService],
})
export class LfsModule {}
