import { Body, Controller, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { ProfileOwners } from '../../stats/profiles/profile-owners';
import { OrgProfileSettingsDto, SettingsResultDto, UserSettingsDto } from '../../stats/profiles/profile-settings.dto';
import { ProfilesService } from '../../stats/profiles/profiles.service';
import { Audited } from '../audit/audit.interceptor';

/** Server admins change any profile, with the same rules of what a profile may hold. */
@ApiTags('admin')
@AdminApi()
@ApiErrorResponses(400, 404)
@Controller('admin/api')
export class AdminProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly owners: ProfileOwners,
  ) {}

  @Put('users/:username/settings')
  @Audited('user.settings')
  @ApiOperation({ summary: "Change a user's profile (full name, bio, website, social handles), as PUT /api/users/{username}/settings" })
  @ApiOkResponse({ type: SettingsResultDto })
  async adminUpdateUserSettings(@Param('username') username: string, @Body() body: UserSettingsDto): Promise<SettingsResultDto> {
    await this.profiles.updateSettings(await this.owners.find('user', username), body);
    return { success: true, message: 'User settings updated successfully' };
  }

  @Put('organizations/:name/settings')
  @Audited('org.settings')
  @ApiOperation({ summary: "Change an organization's profile, as PUT /api/organizations/{name}/settings" })
  @ApiOkResponse({ type: SettingsResultDto })
  async adminUpdateOrgSettings(@Param('name') name: string, @Body() body: OrgProfileSettingsDto): Promise<SettingsResultDto> {
    await this.profiles.updateSettings(await this.owners.find('org', name), body);
    return { success: true, message: 'Organization settings updated successfully' };
  }
}
