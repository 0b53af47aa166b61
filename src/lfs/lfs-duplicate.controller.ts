import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../repos/access/repo-access.decorator';
import { splitRepoId } from '../repos/repo-names';
import type { RepoRecord } from '../repos/repo.types';
import { ReposService } from '../repos/repos.service';
import { DuplicateLfsFilesDto, DuplicateLfsFilesResponseDto } from './dto/duplicate.dto';
import { LfsService } from './lfs.service';

@ApiTags('lfs')
@ApiErrorResponses(400, 401, 403, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class LfsDuplicateController {
  constructor(
    private readonly lfs: LfsService,
    private readonly repos: ReposService,
  ) {}

  @Post(':namespace/:repo/lfs-files/duplicate')
  @HttpCode(200)
  @Authenticated('write')
  @RepoAccess('files')
  @ApiOperation({
    summary: 'Let another repository link LFS files of this one (cross-repository copies)',
    description: 'The caller reads this repository and writes the target; files this repository does not reference are listed in `failed`.',
  })
  @ApiOkResponse({ type: DuplicateLfsFilesResponseDto })
  async duplicateLfsFiles(@CurrentPrincipal() principal: Principal, @CurrentRepo() source: RepoRecord, @Body() body: DuplicateLfsFilesDto): Promise<DuplicateLfsFilesResponseDto> {
    const { namespace, name } = splitRepoId(body.target.name, principal.user.name);
    const target = await this.repos.findWith(principal, 'write', body.target.type, namespace, name);
    return { failed: await this.lfs.duplicate(source, target, body.files.map((f) => f.sha256)) };
  }
}
