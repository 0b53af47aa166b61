import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const HTTP_LABELS = ['method', 'route', 'status'] as const;
type HttpLabel = (typeof HTTP_LABELS)[number];

/**
 * Owns Hangar's Prometheus registry. A private Registry rather than prom-client's global one,
 * so several apps booted in one process (tests) never collide on metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly requests = new Counter<HttpLabel>({
    name: 'hangar_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: HTTP_LABELS,
    registers: [this.registry],
  });

  private readonly duration = new Histogram<HttpLabel>({
    name: 'hangar_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its response',
    labelNames: HTTP_LABELS,
    // Past the usual 10 s: file downloads and uploads run for minutes.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  /** Bodies of `POST /v1/xorbs`, as received (rejected ones included): what Xet dedup saves shows here. */
  private readonly xetXorbBytes = new Counter({
    name: 'hangar_xet_xorb_bytes_received_total',
    help: 'Bytes of Xet xorb upload bodies received',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** `route` must be a pattern (`/api/repos/:id`), never a raw URL: each value is a new series. */
  observeRequest(method: string, route: string, status: string, seconds: number): void {
    const labels = { method, route, status };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  countXetXorbBytes(n: number): void {
    this.xetXorbBytes.inc(n);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
