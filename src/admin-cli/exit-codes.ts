/**
 * What `hangar-admin` exits with, so scripts can tell failures apart (README "Admin CLI").
 * Keep README's table in step.
 */
export const EXIT = {
  ok: 0,
  /** Anything unexpected (a bug, an answer that is not JSON). */
  failure: 1,
  /** Bad command line: unknown command or option, missing argument, no admin token. */
  usage: 2,
  /** Hangar refused the request (HTTP 4xx: not found, invalid input, not allowed). */
  refused: 3,
  /** Hangar failed (HTTP 5xx) or could not be reached. */
  unavailable: 4,
} as const;

/** A failure the CLI reports with a message and a definite exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
