import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import { InvitationDetailsDto, InvitationRefParamDto, RegisterLinkQueryDto } from './dto/invitations.dto';
import { toInvitationDetails } from './invitations.presenter';
import { InvitationsService } from './invitations.service';

/**
 * The links Hangar mails and hands out (`/invite/{token}`, `/register?invitation=`) lead
 * somewhere: a browser gets the web UI's page for them (src/web-ui, before the routes); any
 * other client gets what the invitation offers, as `GET /api/invitations/{token}` does.
 */
@ApiTags('invitations')
@ApiErrorResponses(400, 404)
@Controller()
export class InvitationLinksController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get('invite/:token')
  @ApiOperation({ summary: 'The organization invitation link: what it offers and whether it can still be used' })
  @ApiOkResponse({ type: InvitationDetailsDto })
  async orgInvitationLink(@Param() params: InvitationRefParamDto): Promise<InvitationDetailsDto> {
    return toInvitationDetails(await this.invitations.details(params.token));
  }

  @Get('register')
  @ApiOperation({ summary: 'The registration invitation link: what it offers and whether it can still be used' })
  @ApiOkResponse({ type: InvitationDetailsDto })
  async registrationInvitationLink(@Query() q: RegisterLinkQueryDto): Promise<InvitationDetailsDto> {
    return toInvitationDetails(await this.invitations.details(q.invitation));
  }
}
