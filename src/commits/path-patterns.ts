/**
 * The path patterns of `.gitattributes` and `.gitignore` (gitignore(5) "PATTERN FORMAT"): a
 * pattern without `/` matches the name at any depth; with one (leading or inside) it matches the
 * path from the root; `*` and `?` stay within a segment, `**` crosses segments, `[...]` is a
 * character class, and a backslash escapes the next character.
 */
export function matchesPattern(path: string, pattern: string): boolean {
  const anchored = pattern.includes('/');
  return patternRegExp(pattern).test(anchored ? path : path.slice(path.lastIndexOf('/') + 1));
}

const cache = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const body = pattern
    .replace(/^\//, '')
    .split(/(\*\*\/|\/\*\*$|\*\*|\*|\?|\[(?:\\.|[^\]\\])+\]|\\.)/)
    .map((part) => {
      if (part === '**/') return '(?:.*/)?';
      if (part === '/**') return '/.*';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      if (part.startsWith('[') && part.length > 2) return `[${part[1] === '!' ? '^' + part.slice(2, -1) : part.slice(1, -1)}]`;
      if (part.startsWith('\\') && part.length === 2) return escape(part[1]);
      return escape(part);
    })
    .join('');
  re = new RegExp(`^${body}$`);
  cache.set(pattern, re);
  return re;
}

const escape = (s: string) => s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
