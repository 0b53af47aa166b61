import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, OptionalAuth, OptionalPrincipal } from '../../auth/auth.decorators';
import { userAvatarPath } from '../../auth/avatars';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { CurrentRepo, RepoAccess } from '../../repos/access/repo-access.decorator';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import type { RepoRecord } from '../../repos/repo.types';
import { LikedDto, LikeResultDto, LikerDto, CursorPageQueryDto, UserLikeDto } from '../stats.dto';
import { paged } from '../paging';
import { LikesService } from './likes.service';

@ApiTags('likes')
@ApiErrorResponses(400, 404)
@Controller(['api/models', 'api/datasets', 'api/spaces'])
export class RepoLikesController {
  constructor(private readonly likes: LikesService) {}

  @Post(':namespace/:repo/like')
  @HttpCode(200)
  @Authenticated('write')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Like a repository (liking twice changes nothing)' })
  @ApiOkResponse({ type: LikeResultDto })
  async likeRepo(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord): Promise<LikeResultDto> {
    return { success: true, message: 'Repository liked successfully', likes_count: await this.likes.like(principal, repo) };
  }

  @Delete(':namespace/:repo/like')
  @Authenticated('write')
  @RepoAccess('read')
  @ApiOperation({ summary: 'Unlike a repository' })
  @ApiOkResponse({ type: LikeResultDto })
  async unlikeRepo(@CurrentPrincipal() principal: Principal, @CurrentRepo() repo: RepoRecord): Promise<LikeResultDto> {
    return { success: true, message: 'Repository unliked successfully', likes_count: await this.likes.unlike(principal, repo) };
  }

  @Get(':namespace/:repo/like')
  @OptionalAuth()
  @RepoAccess('read')
  @ApiOperation({ summary: 'Whether the caller likes the repository (false when anonymous)' })
  @ApiOkResponse({ type: LikedDto })
  async repoLiked(@OptionalPrincipal() principal: Principal | null, @CurrentRepo() repo: RepoRecord): Promise<LikedDto> {
    return { liked: await this.likes.liked(principal, repo) };
  }

  @Get(':namespace/:repo/likers')
  @OptionalAuth()
  @RepoAccess('read')
  @ApiOperation({ summary: 'Users who like the repository, newest first (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [LikerDto] })
  async repoLikers(@Req() req: Request, @Res({ passthrough: true }) res: Response, @CurrentRepo() repo: RepoRecord, @Query() q: CursorPageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<LikerDto[]> {
    const page = await paged(req, res, q, (limit, offset) => this.likes.likers(repo, limit, offset));
    return page.map((l) => ({ user: l.username, fullname: l.fullname, avatarUrl: baseUrl + userAvatarPath(l.username), type: 'user' }));
  }
}

@ApiTags('likes')
@ApiErrorResponses(400, 404)
@Controller('api/users')
export class UserLikesController {
  constructor(private readonly likes: LikesService) {}

  @Get(':username/likes')
  @OptionalAuth()
  @ApiOperation({ summary: 'Repositories a user likes, newest first (private ones only to those who may read them)' })
  @ApiOkResponse({ type: [UserLikeDto] })
  async userLikes(@Req() req: Request, @Res({ passthrough: true }) res: Response, @OptionalPrincipal() principal: Principal | null, @Param('username') username: string, @Query() q: CursorPageQueryDto): Promise<UserLikeDto[]> {
    const page = await paged(req, res, q, (limit, offset) => this.likes.likedBy(principal, username, limit, offset));
    return page.map((l) => ({ createdAt: new Date(l.likedAt).toISOString(), repo: { name: l.id, type: l.type } }));
  }
}
