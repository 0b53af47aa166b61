import { Injectable, OnModuleInit } from '@nestjs/common';
import { DegradedChecks, type OptionalDependency } from '../../core/health/degraded-checks';
import { FallbackSourcesService, type ReadableSource } from '../fallback-sources.service';
import { upstreamRequest } from './upstream-client';

/** A node probes a source at most this often, however often /health/ready is asked. */
const PROBE_EVERY_MS = 5000;
const PROBE_TIMEOUT_MS = 3000;

/** Reports each enabled fallback source to /health/ready: reachable, or not (degraded). */
@Injectable()
export class SourceHealthService implements OnModuleInit {
  private readonly last = new Map<string, { at: number; status: Promise<OptionalDependency['status']> }>();

  constructor(
    private readonly sources: FallbackSourcesService,
    private readonly degraded: DegradedChecks,
  ) {}

  onModuleInit(): void {
    this.degraded.register(() => this.report());
  }

  private async report(): Promise<OptionalDependency[]> {
    const sources = await this.sources.enabledSources();
    return Promise.all(sources.map(async (s) => ({ name: s.name, url: s.url, status: await this.status(s) })));
  }

  private status(s: ReadableSource): Promise<OptionalDependency['status']> {
    const key = `${s.id}:${s.url}`;
    const known = this.last.get(key);
    if (known && Date.now() - known.at < PROBE_EVERY_MS) return known.status;
    const status = this.probe(s);
    this.last.set(key, { at: Date.now(), status });
    return status;
  }

  /**
   * Any HTTP answer below 500 means the hub is there (a 401 included). The probe goes out even
   * while the source's circuit is open: its success is what closes the circuit for this node.
   */
  private async probe(s: ReadableSource): Promise<OptionalDependency['status']> {
    try {
      const answer = await upstreamRequest(`${s.url}/api/models?limit=1`, { token: s.token, timeoutMs: PROBE_TIMEOUT_MS, maxAttempts: 1, ignoreOpenCircuit: true });
      answer.discard();
      return answer.status < 500 ? 'ok' : 'unreachable';
    } catch {
      return 'unreachable';
    }
  }
}
