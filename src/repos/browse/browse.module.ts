import { Module } from '@nestjs/common';
import { LfsModule } from '../../lfs/lfs.module';
import { XetTokensModule } from '../../xet/tokens/xet-tokens.module';
import { ReposModule } from '../repos.module';
import { BrowseController } from './browse.controller';
import { BrowseService } from './browse.service';
import { RepoInfoController } from './repo-info.controller';
import { ResolveController } from './resolve.controller';

/** Reading repositories: repo info, tree, paths-info, refs, commits, branches and tags, and downloads. */
@Module({
  imports: [ReposModule, LfsModule, XetTokensModule],
  controllers: [RepoInfoController, BrowseController, ResolveController],
  providers: [BrowseService],
  exports: [BrowseService],
})
export class BrowseModule {}
