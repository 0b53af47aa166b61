import { Body, Controller, Header, HttpCode, Post, SetMetadata } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminCredentialsService } from '../../auth/admin-setup/admin-credentials.service';
import { AUTH_REQUIREMENT } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { AdminSetupDto, AdminSetupResponseDto } from '../dto/admin-setup.dto';

@ApiTags('admin: setup')
@ApiErrorResponses(400, 403, 404)
@Controller('admin/api/setup')
export class AdminSetupController {
  constructor(private readonly admins: AdminCredentialsService) {}

  @Post()
  @HttpCode(200)
  // Authenticated by the setup token in the body, not by a Hangar credential.
  @SetMetadata(AUTH_REQUIREMENT, 'own')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'First admin of an install without HANGAR_ADMIN_TOKEN: exchange the one-time setup token from the startup banner for an admin token',
    description: 'Works once; afterwards (and whenever HANGAR_ADMIN_TOKEN is set) it answers 404 SetupDone. A wrong token answers 403 InvalidSetupToken.',
  })
  @ApiOkResponse({ type: AdminSetupResponseDto })
  async adminSetup(@Body() body: AdminSetupDto): Promise<AdminSetupResponseDto> {
    const { adminToken } = await this.admins.completeSetup(body.setup_token);
    return { admin_token: adminToken, message: 'Admin API enabled. Keep this token: it is not shown again, and the setup route is now gone.' };
  }
}
