import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal } from '../auth/auth.decorators';
import { MessageResponseDto } from '../auth/dto/auth.dto';
import type { Principal } from '../auth/principal';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../core/http/public-base-url';
import {
  AcceptInvitationResponseDto,
  CreateInvitationResponseDto,
  CreateOrgInvitationDto,
  InvitationDetailsDto,
  InvitationRefParamDto,
  OrgInvitationListDto,
} from './dto/invitations.dto';
import { termsFrom, toCreatedInvitation, toInvitationDetails, toInvitationListItem } from './invitations.presenter';
import { InvitationsService } from './invitations.service';

@ApiTags('invitations')
@ApiErrorResponses(400, 403, 404, 409, 410)
@Controller('api/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('org/:org/create')
  @HttpCode(200)
  @Authenticated('write')
  @ApiErrorResponses(503)
  @ApiOperation({ summary: 'Invite to an organization (its admins); with an email, the invitation is bound to it and mailed' })
  @ApiOkResponse({ type: CreateInvitationResponseDto })
  async createOrgInvitation(
    @CurrentPrincipal() principal: Principal,
    @Param('org') org: string,
    @Body() body: CreateOrgInvitationDto,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<CreateInvitationResponseDto> {
    const created = await this.invitations.createOrgInvitation(
      principal,
      org,
      body.email ?? null,
      termsFrom(body),
      baseUrl,
    );
    return toCreatedInvitation(created, baseUrl);
  }

  @Get('org/:org/list')
  @Authenticated()
  @ApiOperation({ summary: "An organization's live invitations (its admins)" })
  @ApiOkResponse({ type: OrgInvitationListDto })
  async listOrgInvitations(@CurrentPrincipal() principal: Principal, @Param('org') org: string): Promise<OrgInvitationListDto> {
    return { invitations: (await this.invitations.listOrgInvitations(principal, org)).map(toInvitationListItem) };
  }

  @Get(':token')
  @ApiOperation({ summary: 'What an invitation link offers, and whether it can still be used (and why not)' })
  @ApiOkResponse({ type: InvitationDetailsDto })
  async getInvitation(@Param() params: InvitationRefParamDto): Promise<InvitationDetailsDto> {
    return toInvitationDetails(await this.invitations.details(params.token));
  }

  @Post(':token/accept')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: "Join the invitation's organization with its role" })
  @ApiOkResponse({ type: AcceptInvitationResponseDto })
  async acceptInvitation(@CurrentPrincipal() principal: Principal, @Param() params: InvitationRefParamDto): Promise<AcceptInvitationResponseDto> {
    const inv = await this.invitations.accept(principal, params.token);
    return { success: true, message: `You joined ${inv.orgName} as ${inv.role}`, org_name: inv.orgName!, role: inv.role! };
  }

  @Delete(':token')
  @Authenticated('write')
  @ApiOperation({ summary: "Delete an organization invitation (the org's admins), by token or by the id from a list" })
  @ApiOkResponse({ type: MessageResponseDto })
  async deleteInvitation(@CurrentPrincipal() principal: Principal, @Param() params: InvitationRefParamDto): Promise<MessageResponseDto> {
    await this.invitations.deleteAsUser(principal, params.token);
    return { success: true, message: 'Invitation deleted successfully' };
  }
}
