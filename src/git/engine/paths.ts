import { BadRequestError, DomainError } from '../../core/errors/domain-error';
import { entryNameProblem } from '../codec/fsck';

const MAX_PATH_BYTES = 1024;
const MAX_SEGMENT_BYTES = 255;

/**
 * A repository path as the HF API takes it: well-formed Unicode, relative, `/`-separated, no
 * empty, `.` or `..` segment, no control character, and no segment git refuses (`.git` in any
 * case or in a spelling HFS+ or NTFS read as `.git`: see `entryNameProblem`). A backslash is an
 * ordinary character (`folder/..\\x` is a file name, as on the Hub), except that a path
 * starting with `..\\` is refused like `../`: on Windows it would resolve outside the repository.
 * Returns the path without a leading `./` or trailing `/`; throws a 400 naming the problem, or
 * 422 for a path that climbs out of the repository (the Hub's answer).
 */
export function normaliseRepoPath(raw: string, what = 'path'): string {
  const path = raw.replace(/^\.\//, '').replace(/\/+$/, '');
  const message = (problem: string) => `Invalid ${what} ${JSON.stringify(raw.slice(0, 200))}: ${problem}`;
  if (path.startsWith('..\\') || path.split('/').includes('..')) {
    throw new DomainError(422, 'InvalidPath', message('it resolves outside the repository'));
  }
  const problem = pathProblem(path);
  if (problem) throw new BadRequestError(message(problem), 'InvalidPath');
  return path;
}

function pathProblem(path: string): string | null {
  if (path.length === 0) return 'it is empty';
  // A lone surrogate has no UTF-8 form: written, it would become U+FFFD and merge with other names.
  if (hasLoneSurrogate(path)) return 'it is not well-formed Unicode (a lone surrogate)';
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) return `it is longer than ${MAX_PATH_BYTES} bytes`;
  if (path.startsWith('/')) return 'it must be relative';
  if (/[\x00-\x1f\x7f]/.test(path)) return 'control characters are not allowed';
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') return 'empty and "." segments are not allowed';
    if (entryNameProblem(Buffer.from(segment, 'utf8'))?.id === 'hasDotgit') return `"${segment}" is reserved (it reads as ".git")`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return null;
}

/** Folder prefix for listings: '' for the root, otherwise a normalised path. */
export function normaliseFolder(raw: string | undefined): string {
  if (!raw || raw === '/' || raw === '.') return '';
  return normaliseRepoPath(raw, 'folder');
}

/** Whether a string holds a UTF-16 surrogate that is not part of a pair (JSON.parse lets "\ud800" through). */
export function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s);
}
