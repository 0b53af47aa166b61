import { DomainError, NotFoundError } from '../../core/errors/domain-error';
import { UpstreamUnreachable } from './upstream-client';

/** The answer header of something served from cache because the upstream could not be asked. */
export const STALE_WARNING = '110 - "Response is Stale: the upstream hub could not be reached"';

/**
 * Nothing cached answers this, and no upstream could be asked: 504 when one was silent, else 502.
 * The message names the source (its name and origin, never its token) so an admin knows which
 * hub to look at; an open circuit (the source failed repeatedly a moment ago) says so.
 */
export function upstreamUnavailable(err: UpstreamUnreachable, what: string, source: { name: string; url: string }): DomainError {
  const hub = `"${source.name}" (${safeOrigin(source.url)})`;
  const why = err.circuitOpen
    ? `is failing fast after repeated failures: ${err.message}`
    : err.timedOut
      ? `did not answer in time: ${err.message}`
      : `could not be reached: ${err.message}`;
  return new DomainError(err.timedOut ? 504 : 502, 'UpstreamUnavailable', `${what} is not in Hangar's fallback cache and its upstream hub ${hub} ${why}`);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid url';
  }
}

/** An upstream 5xx (its gateway answering for it, an overloaded hub) counts as the upstream being down. */
export function serverErrorAsUnreachable(url: string, status: number): UpstreamUnreachable {
  return new UpstreamUnreachable(url, status === 504, new Error(`upstream answered ${status}`));
}

/** The upstream answered something Hangar cannot use (a 5xx, or a file that fails verification). */
export function upstreamBadAnswer(message: string): DomainError {
  return new DomainError(502, 'UpstreamError', message);
}

export function revisionNotFound(rev: string, repoId: string): NotFoundError {
  return new NotFoundError(`Revision ${rev} not found in ${repoId}`, 'RevisionNotFound');
}

export function entryNotFound(path: string, repoId: string): NotFoundError {
  return new NotFoundError(`Entry ${path} not found in ${repoId}`, 'EntryNotFound');
}
