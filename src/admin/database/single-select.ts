import { BadRequestError } from '../../core/errors/domain-error';

/**
 * Words that make a statement more than a read. The console's real guarantees are the role
 * (SELECT on non-secret columns only), the READ ONLY transaction and the cursor (PostgreSQL
 * accepts only a query there); this check answers the obvious cases with a clear message.
 */
const REFUSED = new Set([
  'INSERT', 'UPDATE', 'DELETE', 'MERGE', 'INTO', 'COPY', 'CREATE', 'DROP', 'ALTER', 'TRUNCATE', 'GRANT', 'REVOKE', 'LOCK',
  'CALL', 'DO', 'SET', 'RESET', 'LISTEN', 'NOTIFY', 'UNLISTEN', 'VACUUM', 'ANALYZE', 'CLUSTER', 'REINDEX', 'REFRESH', 'EXECUTE',
  'PREPARE', 'DEALLOCATE', 'DECLARE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'IMPORT',
  'SECURITY', 'COMMENT', 'DISCARD', 'CHECKPOINT', 'LOAD',
]);
const FIRST = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/** The statement with comments, string literals and quoted identifiers blanked out (same length, so positions match). */
export function stripLiterals(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (ch === '/' && next === '*') {
      // PostgreSQL block comments nest.
      const start = i;
      let depth = 0;
      do {
        if (sql[i] === '/' && sql[i + 1] === '*') (depth++, (i += 2));
        else if (sql[i] === '*' && sql[i + 1] === '/') (depth--, (i += 2));
        else i++;
      } while (depth > 0 && i < sql.length);
      if (depth > 0) throw invalid('Unterminated comment');
      out += ' '.repeat(i - start);
    } else if (ch === "'" || ch === '"') {
      // '' and "" inside are escapes; E'…' strings may also use \' (backslash escapes).
      const escapes = ch === "'" && /[eE]$/.test(sql.slice(0, i)) && !/[A-Za-z0-9_$][eE]$/.test(sql.slice(Math.max(0, i - 2), i));
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw invalid('Unterminated quoted string or identifier');
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j++;
      }
      out += ' '.repeat(j + 1 - i);
      i = j + 1;
    } else if (ch === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/[A-Za-z0-9_]$/.test(sql.slice(0, i))) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end === -1) throw invalid('Unterminated dollar-quoted string');
        out += ' '.repeat(end + tag[0].length - i);
        i = end + tag[0].length;
      } else {
        out += ch;
        i++;
      }
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Throws 400 InvalidQuery unless `sql` is one query statement (SELECT, WITH … SELECT, VALUES, TABLE); returns it without a trailing `;`. */
export function assertSingleSelect(sql: string): string {
  const bare = stripLiterals(sql);
  const semicolon = bare.indexOf(';');
  if (semicolon !== -1 && bare.slice(semicolon + 1).trim() !== '') throw invalid('Only one statement may be run (no ";" between statements)');
  const words = (semicolon === -1 ? bare : bare.slice(0, semicolon)).toUpperCase().match(/[A-Z_][A-Z0-9_$]*/g) ?? [];
  if (!FIRST.has(words[0] ?? '')) throw invalid('Only SELECT queries may be run');
  const refused = words.find((w) => REFUSED.has(w));
  if (refused) throw invalid(`Only SELECT queries may be run (found ${refused})`);
  return semicolon === -1 ? sql : sql.slice(0, semicolon);
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(message, 'InvalidQuery');
}
