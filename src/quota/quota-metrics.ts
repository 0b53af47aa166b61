import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsService } from '../core/metrics/metrics.service';
import { QuotaRepository } from './quota.repository';

/**
 * Series per bucket are kept for this many namespaces (the largest by usage), so the number of
 * series never grows with the number of users: at most 2 × 50 per gauge.
 */
export const QUOTA_METRICS_NAMESPACES = 50;

const LABELS = ['namespace', 'bucket'] as const;

/**
 * `hangar_quota_used_bytes` and `hangar_quota_limit_bytes` on /metrics: the stored counters of the
 * largest namespaces, read at scrape time (one query over the namespace rows; nothing recounts
 * repositories or objects). An unlimited bucket has no limit series. Namespaces that drop out
 * of the top lose their series at the next scrape.
 */
@Injectable()
export class QuotaMetrics implements OnModuleInit {
  private readonly logger = new Logger('QuotaMetrics');

  constructor(
    private readonly metrics: MetricsService,
    private readonly quota: QuotaRepository,
  ) {}

  onModuleInit(): void {
    const quota = this.quota;
    const logger = this.logger;
    let pending: ReturnType<QuotaRepository['top']> | null = null;
    // Both gauges are collected in one scrape: they share one query. A database that does not
    // answer leaves them empty rather than failing the whole scrape (process metrics matter most then).
    const top = () =>
      (pending ??= quota
        .top(QUOTA_METRICS_NAMESPACES)
        .catch((err: unknown) => {
          logger.warn({ err }, 'quota gauges: could not read the namespace counters');
          return [];
        })
        .finally(() => setImmediate(() => (pending = null))));
    new Gauge({
      name: 'hangar_quota_used_bytes',
      help: `Bytes charged to a namespace bucket (private or public), for the ${QUOTA_METRICS_NAMESPACES} namespaces using most`,
      labelNames: LABELS,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const ns of await top()) {
          this.set({ namespace: ns.name, bucket: 'private' }, ns.privateUsedBytes);
          this.set({ namespace: ns.name, bucket: 'public' }, ns.publicUsedBytes);
        }
      },
    });
    new Gauge({
      name: 'hangar_quota_limit_bytes',
      help: `Quota of a namespace bucket, for the same namespaces as hangar_quota_used_bytes (no series: unlimited)`,
      labelNames: LABELS,
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const ns of await top()) {
          if (ns.privateQuotaBytes !== null) this.set({ namespace: ns.name, bucket: 'private' }, ns.privateQuotaBytes);
          if (ns.publicQuotaBytes !== null) this.set({ namespace: ns.name, bucket: 'public' }, ns.publicQuotaBytes);
        }
      },
    });
  }
}
