import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CreateRepoDto, CreateRepoResponseDto, DeleteRepoDto, isPrivate, MoveRepoDto, OkResponseDto } from '../dto/repos.dto';
import { repoId } from '../repo.types';
import { ReposService } from '../repos.service';
import { PublicBaseUrl } from '../../core/http/public-base-url';

@ApiTags('repositories')
@ApiErrorResponses(400, 403, 404, 409)
@Controller('api/repos')
export class ReposController {
  constructor(private readonly repos: ReposService) {}

  @Post('create')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Create a repository with its first commit (.gitattributes, README.md for a space or a license, the given files); 409 with its url when it exists' })
  @ApiOkResponse({ type: CreateRepoResponseDto })
  async createRepo(@CurrentPrincipal() principal: Principal, @Body() body: CreateRepoDto, @PublicBaseUrl() baseUrl: string): Promise<CreateRepoResponseDto> {
    const repo = await this.repos.create(principal, {
      name: body.name,
      organization: body.organization,
      type: body.type ?? 'model',
      private: isPrivate(body),
      sdk: body.sdk,
      license: body.license,
      files: body.files?.map((f) => ({ path: f.path, content: Buffer.from(f.content, 'base64') })),
    }, baseUrl);
    return { url: this.repos.url(baseUrl, repo), name: repoId(repo), id: repoId(repo) };
  }

  @Delete('delete')
  @Authenticated('write')
  @ApiOperation({ summary: 'Delete a repository (owner or org admin)' })
  @ApiOkResponse({ type: OkResponseDto })
  async deleteRepo(@CurrentPrincipal() principal: Principal, @Body() body: DeleteRepoDto): Promise<OkResponseDto> {
    await this.repos.delete(principal, body.type ?? 'model', body.name, body.organization);
    return { success: true };
  }

  @Post('move')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Rename or move a repository with every branch, tag and its whole history; the old id redirects' })
  @ApiOkResponse({ type: CreateRepoResponseDto })
  async moveRepo(@CurrentPrincipal() principal: Principal, @Body() body: MoveRepoDto, @PublicBaseUrl() baseUrl: string): Promise<CreateRepoResponseDto> {
    const repo = await this.repos.move(principal, body.type ?? 'model', body.fromRepo, body.toRepo, baseUrl);
    return { url: this.repos.url(baseUrl, repo), name: repoId(repo), id: repoId(repo) };
  }
}
