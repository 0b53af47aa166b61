import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { LfsBatchController } from './lfs-batch.controller';
import { LfsUploadController } from './lfs-upload.controller';
import { LfsRepository } from './lfs.repository';
import { LfsService } from './lfs.service';

@Module({
  imports: [ReposModule],
  controllers: [LfsBatchController, LfsUploadController],
  providers: [LfsRepository, LfsService],
  exports: [LfsService],
})
export class LfsModule {}
