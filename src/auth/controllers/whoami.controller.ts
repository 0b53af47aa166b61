import { hubOrgRole } from '../accounts/account.types';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PublicBaseUrl } from '../../core/http/public-base-url';
import { Authenticated, CurrentPrincipal } from '../auth.decorators';
import { orgAvatarPath, userAvatarPath } from '../avatars';
import { WhoAmIDto } from '../dto/whoami.dto';
import { OrgsService } from '../orgs/orgs.service';
import type { Principal } from '../principal';

@ApiTags('auth')
@Controller('api')
export class WhoAmIController {
  constructor(private readonly orgs: OrgsService) {}

  @Get('whoami-v2')
  @Authenticated()
  @ApiOperation({ summary: 'Who the token belongs to, in the shape huggingface_hub and @huggingface/hub parse' })
  @ApiOkResponse({ type: WhoAmIDto })
  async whoami(@CurrentPrincipal() principal: Principal, @PublicBaseUrl() baseUrl: string): Promise<WhoAmIDto> {
    const { user, token } = principal;
    const memberships = await this.orgs.membershipsOf(user.id);
    return {
      type: 'user',
      id: String(user.id),
      name: user.name,
      fullname: user.fullname || user.name,
      email: user.email,
      emailVerified: user.emailVerified,
      canPay: false,
      isPro: false,
      periodEnd: null,
      avatarUrl: baseUrl + userAvatarPath(user.name),
      billingMode: 'postpaid',
      orgs: memberships.map((m) => ({
        id: String(m.orgId),
        type: 'org' as const,
        name: m.orgName,
        fullname: m.orgFullname || m.orgName,
        email: null,
        canPay: false,
        avatarUrl: baseUrl + orgAvatarPath(m.orgName),
        periodEnd: null,
        roleInOrg: hubOrgRole(m.role),
      })),
      auth: {
        type: 'access_token',
        // A browser session is reported as a write credential named after it.
        accessToken: token
          ? { displayName: token.name, role: token.role, createdAt: token.createdAt.toISOString() }
          : { displayName: 'browser session', role: 'write', createdAt: new Date().toISOString() },
      },
    };
  }
}
