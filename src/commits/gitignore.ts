import { matchesPattern } from './path-patterns';

interface IgnoreRule {
  pattern: string;
  negate: boolean;
  dirOnly: boolean;
}

/**
 * A `.gitignore` file as git reads it: later lines override earlier ones, `!` re-includes,
 * a trailing `/` matches directories only, and nothing inside an ignored directory can be
 * re-included (git does not look into it).
 */
export class GitIgnore {
  private readonly rules: IgnoreRule[] = [];

  constructor(text: string) {
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.replace(/(?<!\\)\s+$/, '');
      if (!line || line.startsWith('#')) continue;
      const negate = line.startsWith('!');
      if (negate) line = line.slice(1);
      else if (line.startsWith('\\!') || line.startsWith('\\#')) line = line.slice(1);
      const dirOnly = line.endsWith('/');
      if (dirOnly) line = line.slice(0, -1);
      if (line) this.rules.push({ pattern: line, negate, dirOnly });
    }
  }

  /** Whether a file at `path` (from the repository root) is ignored. */
  ignores(path: string): boolean {
    if (!this.rules.length) return false;
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) if (this.decide(parts.slice(0, i).join('/'), true)) return true;
    return this.decide(path, false);
  }

  private decide(path: string, isDir: boolean): boolean {
    let ignored = false;
    for (const r of this.rules) if ((isDir || !r.dirOnly) && matchesPattern(path, r.pattern)) ignored = !r.negate;
    return ignored;
  }
}
