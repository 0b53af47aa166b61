/**
 * The LFS patterns of a `.gitattributes` file (lines with `filter=lfs`), and gitattributes-style
 * matching: a pattern without `/` matches the file name at any depth; with `/` it matches the
 * path from the root; `*` stays within a segment and `**` crosses them.
 */
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
  return patterns.some((p) => toRegExp(p).test(p.includes('/') ? path : path.slice(path.lastIndexOf('/') + 1)));
}

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const body = pattern
    .replace(/^\//, '')
    .split(/(\*\*\/|\*\*|\*|\?)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  re = new RegExp(`^${body}$`);
  cache.set(pattern, re);
  return re;
}
