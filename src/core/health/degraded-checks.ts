import { Injectable } from '@nestjs/common';

/** An optional dependency as readiness reports it: failing makes the node degraded, not down. */
export interface OptionalDependency {
  name: string;
  url: string;
  status: 'ok' | 'unreachable';
}

/**
 * Where feature modules report optional dependencies (fallback sources) to /health/ready without
 * core depending on them: an unreachable one answers 200 `degraded`, never 503.
 */
@Injectable()
export class DegradedChecks {
  private readonly reporters: (() => Promise<OptionalDependency[]>)[] = [];

  register(reporter: () => Promise<OptionalDependency[]>): void {
    this.reporters.push(reporter);
  }

  async collect(): Promise<OptionalDependency[]> {
    return (await Promise.all(this.reporters.map((r) => r().catch(() => [])))).flat();
  }
}
