import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi, type AuthenticatedRequest } from '../auth/auth.decorators';
import { MessageResponseDto } from '../auth/dto/auth.dto';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { PublicBaseUrl } from '../core/http/public-base-url';
import { CreateInvitationResponseDto, CreateRegistrationInvitationDto, InvitationListDto, InvitationRefParamDto, ListInvitationsQueryDto } from './dto/invitations.dto';
import { termsFrom, toCreatedInvitation, toInvitationListItem } from './invitations.presenter';
import { InvitationsService } from './invitations.service';

/** Every create and delete is recorded in the audit log by the service, in the change's transaction. */
@ApiTags('admin: invitations')
@AdminApi()
@ApiErrorResponses(400, 404, 410)
@Controller('admin/api/invitations')
export class AdminInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('register')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a registration invitation (optionally joining an organization with a role)' })
  @ApiOkResponse({ type: CreateInvitationResponseDto })
  async adminCreateRegistrationInvitation(
    @Req() req: AuthenticatedRequest,
    @Body() body: CreateRegistrationInvitationDto,
    @PublicBaseUrl() baseUrl: string,
  ): Promise<CreateInvitationResponseDto> {
    const created = await this.invitations.createRegistrationInvitation(
      req.adminActor ?? 'admin',
      { id: body.org_id, name: body.org_name },
      termsFrom(body),
    );
    return toCreatedInvitation(created, baseUrl);
  }

  @Get()
  @ApiOperation({ summary: 'List live invitations of every kind, newest first' })
  @ApiOkResponse({ type: InvitationListDto })
  async adminListInvitations(@Query() q: ListInvitationsQueryDto): Promise<InvitationListDto> {
    const limit = q.limit ?? 100;
    const offset = q.offset ?? 0;
    return { invitations: (await this.invitations.list(q.action, limit, offset)).map(toInvitationListItem), limit, offset };
  }

  @Delete(':token')
  @ApiOperation({ summary: 'Delete any invitation, by token or by the id from a list' })
  @ApiOkResponse({ type: MessageResponseDto })
  async adminDeleteInvitation(@Req() req: AuthenticatedRequest, @Param() params: InvitationRefParamDto): Promise<MessageResponseDto> {
    await this.invitations.deleteAsAdmin(req.adminActor ?? 'admin', params.token);
    return { success: true, message: 'Invitation deleted successfully' };
  }
}
