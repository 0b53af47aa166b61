import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AvailableFallbackSourceDto } from './dto/fallback-sources.dto';
import { FallbackSourcesService } from './fallback-sources.service';

@ApiTags('fallback')
@Controller('api/fallback-sources')
export class FallbackAvailableController {
  constructor(private readonly sources: FallbackSourcesService) {}

  @Get('available')
  @ApiOperation({ summary: 'The enabled global fallback sources, without tokens (public: users see which hubs they may add their own token for)' })
  @ApiOkResponse({ type: [AvailableFallbackSourceDto] })
  async listAvailableFallbackSources(): Promise<AvailableFallbackSourceDto[]> {
    return (await this.sources.available()).map((s) => ({ url: s.url, name: s.name, source_type: s.sourceType, priority: s.priority }));
  }
}
