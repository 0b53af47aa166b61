import { Module } from '@nestjs/common';
import { ReposModule } from '../repos/repos.module';
import { CollectionsController } from './collections.controller';
import { CollectionsRepository } from './collections.repository';
import { CollectionsService } from './collections.service';

/** Collections: curated lists of repositories and papers, owned by users and organizations. */
@Module({
  imports: [ReposModule],
  controllers: [CollectionsController],
  providers: [CollectionsRepository, CollectionsService],
})
export class CollectionsModule {}
