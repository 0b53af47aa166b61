import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../auth.decorators';
import {
  AddMemberDto,
  CreateOrgDto,
  CreateOrgResponseDto,
  OrgInfoDto,
  OrgMembersResponseDto,
  OrgSettingsDto,
  UpdateMemberDto,
  UserOrgsResponseDto,
} from '../dto/orgs.dto';
import { MessageResponseDto } from '../dto/auth.dto';
import { OrgsService } from '../orgs/orgs.service';
import type { OrgRecord } from '../accounts/account.types';
import type { Principal } from '../principal';

function toOrgInfo(org: OrgRecord): OrgInfoDto {
  return {
    name: org.name,
    description: org.description,
    fullname: org.fullname || org.name,
    defaultRepoVisibility: org.defaultRepoPrivate ? 'private' : 'public',
    created_at: org.createdAt.toISOString(),
    member_count: org.memberCount,
  };
}

@ApiTags('organizations')
@ApiErrorResponses(400, 404, 409)
@Controller('org')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Post('create')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Create an organization; the creator becomes its super-admin' })
  @ApiOkResponse({ type: CreateOrgResponseDto })
  async createOrg(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrgDto): Promise<CreateOrgResponseDto> {
    const org = await this.orgs.create(principal, body.name, body.description ?? null, body.fullname ?? null);
    return { success: true, name: org.name };
  }

  // Declared before ':name' routes so that "users" is never read as an org name.
  @Get('users/:username/orgs')
  @ApiOperation({ summary: 'The organizations a user belongs to, with their roles' })
  @ApiOkResponse({ type: UserOrgsResponseDto })
  async listUserOrgs(@Param('username') username: string): Promise<UserOrgsResponseDto> {
    const memberships = await this.orgs.orgsOfUser(username);
    return { organizations: memberships.map((m) => ({ name: m.orgName, description: m.orgDescription, role: m.role })) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'An organization' })
  @ApiOkResponse({ type: OrgInfoDto })
  async getOrg(@Param('name') name: string): Promise<OrgInfoDto> {
    return toOrgInfo(await this.orgs.get(name));
  }

  @Put(':name/settings')
  @Authenticated('write')
  @ApiOperation({ summary: "Change an organization's display name and the default visibility of its new repositories (org admins)" })
  @ApiOkResponse({ type: OrgInfoDto })
  @ApiErrorResponses(403)
  async updateOrgSettings(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: OrgSettingsDto): Promise<OrgInfoDto> {
    const defaultRepoPrivate = body.defaultRepoVisibility === undefined ? undefined : body.defaultRepoVisibility === 'private';
    return toOrgInfo(await this.orgs.updateSettings(principal, name, { fullname: body.fullname, defaultRepoPrivate }));
  }

  @Get(':name/members')
  @ApiOperation({ summary: 'Members of an organization and their roles' })
  @ApiOkResponse({ type: OrgMembersResponseDto })
  async listMembers(@Param('name') name: string): Promise<OrgMembersResponseDto> {
    return { members: (await this.orgs.members(name)).map((m) => ({ user: m.userName, role: m.role })) };
  }

  @Post(':name/members')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: 'Add a member (org admins; granting super-admin takes a super-admin)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async addMember(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: AddMemberDto): Promise<MessageResponseDto> {
    await this.orgs.addMember(principal, name, body.username, body.role);
    return { success: true, message: 'Member added successfully' };
  }

  @Put(':name/members/:username')
  @Authenticated('write')
  @ApiOperation({ summary: "Change a member's role (org admins; the last super-admin cannot be demoted)" })
  @ApiOkResponse({ type: MessageResponseDto })
  async updateMember(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('username') username: string,
    @Body() body: UpdateMemberDto,
  ): Promise<MessageResponseDto> {
    await this.orgs.updateMember(principal, name, username, body.role);
    return { success: true, message: 'Member role updated successfully' };
  }

  @Delete(':name/members/:username')
  @Authenticated('write')
  @ApiOperation({ summary: 'Remove a member, or leave (the last super-admin cannot be removed)' })
  @ApiOkResponse({ type: MessageResponseDto })
  async removeMember(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Param('username') username: string): Promise<MessageResponseDto> {
    await this.orgs.removeMember(principal, name, username);
    return { success: true, message: 'Member removed successfully' };
  }
}
