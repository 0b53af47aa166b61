/**
 * A counting semaphore for xorb uploads. A xorb is verified whole (up to 65 MiB in memory), and
 * clients upload several at once (hf_xet runs about eight in parallel), so without a bound
 * Hangar's memory would grow with the client's concurrency. Waiting uploads have not read their
 * bodies yet: TCP flow control holds the clients back meanwhile.
 */
export class IntakeLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter (active stays the same), or is freed.
      if (next) next();
      else this.active--;
    }
  }
}
