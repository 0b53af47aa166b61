import { invalidRevision } from './engine-errors';

/**
 * Branch and tag names as git accepts them (git-check-ref-format), minus what would be ambiguous
 * in HF URLs: no `..`, no control characters or ` ~^:?*[\`, no leading `-` or `/`, no `//`,
 * no trailing `/`, `.` or `.lock`, no `@{`, and not a bare 40-hex commit id.
 */
export function assertValidRefName(name: string): void {
  const bad =
    name.length === 0 ||
    name.length > 200 ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(name) ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    name === '@' ||
    /^[-/.]/.test(name) ||
    /(\/|\.|\.lock)$/.test(name) ||
    name.split('/').some((s) => s.startsWith('.') || s.endsWith('.lock')) ||
    /^[0-9a-f]{40}$/.test(name) ||
    name.startsWith('refs/');
  if (bad) throw invalidRevision(name);
}
