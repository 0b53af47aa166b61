/**
 * Per-node memory of which upstream hubs just failed: after FAILURES_TO_OPEN failed calls in a
 * row, calls to that origin fail at once for OPEN_MS instead of each waiting out its timeout or
 * retries. After the window the next calls go through again: one success closes the circuit, a
 * failure opens it for another window. A hint kept per process, never shared state: another node
 * finds out on its own, at the cost of a few failed calls.
 */
const FAILURES_TO_OPEN = 3;
const OPEN_MS = 10_000;

interface Circuit {
  failures: number;
  openUntil: number;
  lastError: string;
}

export class UpstreamCircuits {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    private readonly failuresToOpen = FAILURES_TO_OPEN,
    private readonly openMs = OPEN_MS,
  ) {}

  /** Why calls to this origin fail fast now, or null when they may go out. */
  openReason(origin: string): string | null {
    const c = this.circuits.get(origin);
    return c && c.openUntil > Date.now() ? c.lastError : null;
  }

  succeeded(origin: string): void {
    this.circuits.delete(origin);
  }

  failed(origin: string, error: string): void {
    const c = this.circuits.get(origin) ?? { failures: 0, openUntil: 0, lastError: '' };
    c.failures++;
    c.lastError = error;
    if (c.failures >= this.failuresToOpen) c.openUntil = Date.now() + this.openMs;
    this.circuits.set(origin, c);
  }
}

/** The process's circuits: every upstream call of this node reads and feeds them. */
export const upstreamCircuits = new UpstreamCircuits();
