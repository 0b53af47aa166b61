/**
 * An expected reason why Hangar cannot start (a port in use, another Hangar on the same data
 * directory): main.ts prints its message, which names the fix, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
