import { hubOrgRole } from '../../auth/accounts/account.types';
import { Body, Controller, Get, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authenticated, CurrentPrincipal, OptionalAuth, OptionalPrincipal } from '../../auth/auth.decorators';
import { orgAvatarPath, userAvatarPath } from '../../auth/avatars';
import type { Principal } from '../../auth/principal';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { paged } from '../paging';
import { CursorPageQueryDto } from '../stats.dto';
import { ProfileOwners } from './profile-owners';
import { OrgProfileSettingsDto, SettingsResultDto, UserSettingsDto } from './profile-settings.dto';
import { HubOrgMemberDto, OrgOverviewDto, UserOverviewDto } from './profiles.dto';
import { ProfilesService } from './profiles.service';

@ApiTags('profiles')
@ApiErrorResponses(400, 404)
@Controller('api')
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly owners: ProfileOwners,
  ) {}

  @Get('users/:username/overview')
  @OptionalAuth()
  @ApiOperation({ summary: "A user's public profile: name, bio and links, public repository counts, likes given, followers, organizations" })
  @ApiOkResponse({ type: UserOverviewDto })
  async userOverview(@OptionalPrincipal() viewer: Principal | null, @Param('username') username: string, @PublicBaseUrl() baseUrl: string): Promise<UserOverviewDto> {
    const u = await this.profiles.user(username, viewer?.user.id ?? null);
    return {
      user: u.name,
      fullname: u.fullname || u.name,
      avatarUrl: baseUrl + userAvatarPath(u.name),
      type: 'user',
      isPro: false,
      details: u.bio,
      bio: u.bio,
      website: u.website,
      socialMedia: u.socialMedia,
      numModels: u.models,
      numDatasets: u.datasets,
      numSpaces: u.spaces,
      numLikes: u.likes,
      numFollowers: u.followers,
      numFollowing: u.following,
      isFollowing: u.followedByViewer,
      orgs: u.orgs.map((o) => ({ name: o.name, fullname: o.fullname || o.name, avatarUrl: baseUrl + orgAvatarPath(o.name) })),
      createdAt: new Date(u.createdAt).toISOString(),
    };
  }

  @Get('organizations/:name/overview')
  @OptionalAuth()
  @ApiOperation({ summary: "An organization's public profile: name, description, bio and links, member, follower and public repository counts" })
  @ApiOkResponse({ type: OrgOverviewDto })
  async orgOverview(@OptionalPrincipal() viewer: Principal | null, @Param('name') name: string, @PublicBaseUrl() baseUrl: string): Promise<OrgOverviewDto> {
    const o = await this.profiles.org(name, viewer?.user.id ?? null);
    return {
      name: o.name,
      fullname: o.fullname || o.name,
      avatarUrl: baseUrl + orgAvatarPath(o.name),
      type: 'org',
      details: o.description,
      bio: o.bio,
      website: o.website,
      socialMedia: o.socialMedia,
      numUsers: o.members,
      numModels: o.models,
      numDatasets: o.datasets,
      numSpaces: o.spaces,
      numFollowers: o.followers,
      isFollowing: o.followedByViewer,
      createdAt: new Date(o.createdAt).toISOString(),
    };
  }

  @Get('organizations/:name/members')
  @ApiOperation({ summary: 'Members of an organization, by name (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [HubOrgMemberDto] })
  async orgMembers(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('name') name: string, @Query() q: CursorPageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<HubOrgMemberDto[]> {
    const page = await paged(req, res, q, (limit, offset) => this.profiles.members(name, limit, offset));
    return page.map((m) => ({ user: m.name, fullname: m.fullname || m.name, avatarUrl: baseUrl + userAvatarPath(m.name), type: 'user', role: hubOrgRole(m.role) }));
  }

  @Put('users/:username/settings')
  @Authenticated('write')
  @ApiOperation({ summary: 'Change your profile: full name, bio, website, social handles (absent fields stay; null or "" clears)' })
  @ApiOkResponse({ type: SettingsResultDto })
  @ApiErrorResponses(403)
  async updateUserSettings(@CurrentPrincipal() principal: Principal, @Param('username') username: string, @Body() body: UserSettingsDto): Promise<SettingsResultDto> {
    await this.profiles.updateSettings(await this.owners.editable(principal, 'user', username), body);
    return { success: true, message: 'User settings updated successfully' };
  }

  @Put('organizations/:name/settings')
  @Authenticated('write')
  @ApiOperation({ summary: "Change an organization's profile: full name, description, bio, website, social handles (its admins)" })
  @ApiOkResponse({ type: SettingsResultDto })
  @ApiErrorResponses(403)
  async updateOrgProfileSettings(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: OrgProfileSettingsDto): Promise<SettingsResultDto> {
    await this.profiles.updateSettings(await this.owners.editable(principal, 'org', name), body);
    return { success: true, message: 'Organization settings updated successfully' };
  }
}
