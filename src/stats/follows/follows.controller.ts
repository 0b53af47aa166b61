import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal } from '../../auth/auth.decorators';
import { orgAvatarPath, userAvatarPath } from '../../auth/avatars';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { paged } from '../paging';
import { CursorPageQueryDto } from '../stats.dto';
import type { FollowRow } from './follows.repository';
import { FollowsService } from './follows.service';

export class FollowResultDto {
  @ApiProperty({ example: true }) success: boolean;
  @ApiProperty({ example: true, description: 'Whether the caller follows them now' }) following: boolean;
  @ApiProperty({ example: 4 }) numFollowers: number;
}

/** The shape huggingface_hub's list_user_followers / list_user_following read into `User`. */
export class FollowerDto {
  @ApiProperty({ example: 'alice' }) user: string;
  @ApiProperty({ example: 'Alice Developer' }) fullname: string;
  @ApiProperty({ example: 'http://localhost:3000/api/users/alice/avatar' }) avatarUrl: string;
  @ApiProperty({ enum: ['user', 'org'] }) type: string;
}

@ApiTags('profiles')
@ApiErrorResponses(400, 404)
@Controller('api')
export class FollowsController {
  constructor(private readonly follows: FollowsService) {}

  @Post('users/:username/follow')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Follow a user (following twice changes nothing)' })
  @ApiOkResponse({ type: FollowResultDto })
  async followUser(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<FollowResultDto> {
    return { success: true, following: true, numFollowers: await this.follows.follow(principal, 'user', username) };
  }

  @Delete('users/:username/follow')
  @Authenticated('write')
  @ApiOperation({ summary: 'Stop following a user' })
  @ApiOkResponse({ type: FollowResultDto })
  async unfollowUser(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<FollowResultDto> {
    return { success: true, following: false, numFollowers: await this.follows.unfollow(principal, 'user', username) };
  }

  @Post('organizations/:name/follow')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Follow an organization' })
  @ApiOkResponse({ type: FollowResultDto })
  async followOrg(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<FollowResultDto> {
    return { success: true, following: true, numFollowers: await this.follows.follow(principal, 'org', name) };
  }

  @Delete('organizations/:name/follow')
  @Authenticated('write')
  @ApiOperation({ summary: 'Stop following an organization' })
  @ApiOkResponse({ type: FollowResultDto })
  async unfollowOrg(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<FollowResultDto> {
    return { success: true, following: false, numFollowers: await this.follows.unfollow(principal, 'org', name) };
  }

  @Get('users/:username/followers')
  @ApiOperation({ summary: 'Users following a user, newest first (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [FollowerDto] })
  async userFollowers(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('username') username: string, @Query() q: CursorPageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<FollowerDto[]> {
    return (await paged(req, res, q, (limit, offset) => this.follows.followers('user', username, limit, offset))).map((r) => toFollower(r, baseUrl));
  }

  @Get('users/:username/following')
  @ApiOperation({ summary: 'Users and organizations a user follows, newest first (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [FollowerDto] })
  async userFollowing(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('username') username: string, @Query() q: CursorPageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<FollowerDto[]> {
    return (await paged(req, res, q, (limit, offset) => this.follows.following(username, limit, offset))).map((r) => toFollower(r, baseUrl));
  }

  @Get('organizations/:name/followers')
  @ApiOperation({ summary: 'Users following an organization, newest first (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [FollowerDto] })
  async orgFollowers(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('name') name: string, @Query() q: CursorPageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<FollowerDto[]> {
    return (await paged(req, res, q, (limit, offset) => this.follows.followers('org', name, limit, offset))).map((r) => toFollower(r, baseUrl));
  }
}

function toFollower(r: FollowRow, baseUrl: string): FollowerDto {
  return { user: r.name, fullname: r.fullname || r.name, avatarUrl: baseUrl + (r.kind === 'org' ? orgAvatarPath(r.name) : userAvatarPath(r.name)), type: r.kind };
}
