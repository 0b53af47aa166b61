import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VersionDto } from './health.dto';
import { PACKAGE_INFO } from './package-info';

const VERSION: VersionDto = { name: 'hangar', version: PACKAGE_INFO.version, api: 'hangar' };

@ApiTags('ops')
@Controller('api')
export class VersionController {
  @Get('version')
  @ApiOperation({ summary: 'Server name and version' })
  @ApiOkResponse({ type: VersionDto, description: 'Which server and release this is.', example: { name: 'hangar', version: '0.1.0', api: 'hangar' } })
  getVersion(): VersionDto {
    return VERSION;
  }
}
