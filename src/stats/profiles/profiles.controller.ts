import { hubOrgRole } from '../../auth/accounts/account.types';
import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { avatarPath } from '../../auth/avatars';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { paged } from '../paging';
import { PageQueryDto } from '../stats.dto';
import { OrgMemberDto, OrgOverviewDto, UserOverviewDto } from './profiles.dto';
import { ProfilesService } from './profiles.service';

@ApiTags('profiles')
@ApiErrorResponses(400, 404)
@Controller('api')
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('users/:username/overview')
  @ApiOperation({ summary: 'A user\'s public profile: name, public repository counts, likes given, organizations' })
  @ApiOkResponse({ type: UserOverviewDto })
  async userOverview(@Param('username') username: string, @PublicBaseUrl() baseUrl: string): Promise<UserOverviewDto> {
    const u = await this.profiles.user(username);
    return {
      user: u.name,
      fullname: u.fullname || u.name,
      avatarUrl: baseUrl + avatarPath(u.name),
      type: 'user',
      isPro: false,
      numModels: u.models,
      numDatasets: u.datasets,
      numSpaces: u.spaces,
      numLikes: u.likes,
      orgs: u.orgs.map((o) => ({ name: o.name, fullname: o.fullname || o.name, avatarUrl: baseUrl + avatarPath(o.name) })),
      createdAt: new Date(u.createdAt).toISOString(),
    };
  }

  @Get('organizations/:name/overview')
  @ApiOperation({ summary: 'An organization\'s public profile: name, member and public repository counts' })
  @ApiOkResponse({ type: OrgOverviewDto })
  async orgOverview(@Param('name') name: string, @PublicBaseUrl() baseUrl: string): Promise<OrgOverviewDto> {
    const o = await this.profiles.org(name);
    return {
      name: o.name,
      fullname: o.fullname || o.name,
      avatarUrl: baseUrl + avatarPath(o.name),
      type: 'org',
      details: o.description,
      numUsers: o.members,
      numModels: o.models,
      numDatasets: o.datasets,
      numSpaces: o.spaces,
      createdAt: new Date(o.createdAt).toISOString(),
    };
  }

  @Get('organizations/:name/members')
  @ApiOperation({ summary: 'Members of an organization, by name (cursor pagination through the Link header)' })
  @ApiOkResponse({ type: [OrgMemberDto] })
  async orgMembers(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Param('name') name: string, @Query() q: PageQueryDto, @PublicBaseUrl() baseUrl: string): Promise<OrgMemberDto[]> {
    const page = await paged(req, res, q, (limit, offset) => this.profiles.members(name, limit, offset));
    return page.map((m) => ({ user: m.name, fullname: m.fullname || m.name, avatarUrl: baseUrl + avatarPath(m.name), type: 'user', role: hubOrgRole(m.role) }));
  }
}
