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
  UpdateMemberDto,
  UserOrgsResponseDto,
} from '../dto/orgs.dto';
import { MessageResponseDto } from '../dto/auth.dto';
import { OrgsService } from '../orgs/orgs.service';
import type { Principal } from '../principal';

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
    const org = await this.orgs.create(principal, body.name, body.description ?? null);
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
    const org = await this.orgs.get(name);
    return { name: org.name, description: org.description, created_at: org.createdAt.toISOString(), member_count: org.memberCount };
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
