import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { MetricsService } from './metrics.service';

const EXAMPLE = [
  '# HELP hangar_http_requests_total HTTP requests answered, by method, route pattern and status',
  '# TYPE hangar_http_requests_total counter',
  'hangar_http_requests_total{method="GET",route="/api/version",status="200"} 3',
].join('\n');

@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Process metrics, per-route HTTP request counts and durations, and storage quota gauges of the largest namespaces.',
    content: { 'text/plain': { schema: { type: 'string' }, example: EXAMPLE } },
  })
  getMetrics(): Promise<string> {
    return this.metrics.render();
  }
}
