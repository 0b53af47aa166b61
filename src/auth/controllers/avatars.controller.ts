import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '../../core/errors/domain-error';
import { avatarSvg } from '../avatars';

@ApiTags('auth')
@Controller('avatars')
export class AvatarsController {
  @Get(':file')
  @Header('Content-Type', 'image/svg+xml')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({ summary: "A user's or organization's avatar (a generated SVG)" })
  @ApiParam({ name: 'file', example: 'alice.svg' })
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'The avatar', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  avatar(@Param('file') file: string): string {
    if (!file.endsWith('.svg') || file.length > 200) throw new ValidationError('file: expected "<name>.svg"', { fields: ['file'] });
    return avatarSvg(file.slice(0, -4));
  }
}
