import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthDto, NotReadyDto, ReadinessDto } from './health.dto';
import { ReadinessService } from './readiness.service';
import { DegradedChecks } from './degraded-checks';

/** Probes for orchestrators; unauthenticated and never cached. */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly degraded: DegradedChecks,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process is up (checks no dependency)' })
  @ApiOkResponse({ type: HealthDto, description: 'The process is serving requests.', example: { status: 'ok' } })
  getHealth(): HealthDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness: the database, the object store and (when configured) the SMTP server answer',
    description: 'Enabled fallback sources are listed too; an unreachable one makes the answer `degraded` (still 200: the node serves, cached upstream content included).',
  })
  @ApiOkResponse({
    type: ReadinessDto,
    description: 'Every dependency answered; the node can take traffic.',
    example: { status: 'ok', checks: { database: 'ok', objectStore: 'ok' } },
  })
  @ApiServiceUnavailableResponse({
    type: NotReadyDto,
    description: 'A dependency failed; `X-Error-Code: NotReady`',
    example: { status: 'error', checks: { database: 'ok', objectStore: 'failed' }, error: 'objectStore: connect ECONNREFUSED 127.0.0.1:9000' },
  })
  async getReadiness(): Promise<ReadinessDto> {
    const [checks, optional] = await Promise.all([this.readiness.assertReady(), this.degraded.collect()]);
    if (optional.length === 0) return { status: 'ok', checks };
    return { status: optional.some((d) => d.status !== 'ok') ? 'degraded' : 'ok', checks, fallback_sources: optional };
  }
}
