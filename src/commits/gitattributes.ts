import { matchesPattern } from './path-patterns';

/** The LFS patterns of a `.gitattributes` file (lines with `filter=lfs`). */
export function lfsPatternsOf(gitattributes: string): string[] {
  const out: string[] = [];
  for (const raw of gitattributes.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [pattern, ...attrs] = line.split(/\s+/);
    if (attrs.includes('filter=lfs')) out.push(pattern);
  }
  return out;
}

export function matchesAny(path: string, patterns: string[]): boolean {
  return patterns.some((p) => matchesPattern(path, p));
}
