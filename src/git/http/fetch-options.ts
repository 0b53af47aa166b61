import type { Oid } from '../codec/object-types';
import { type ObjectFilter, parseObjectFilter, UnsupportedFilterError } from '../engine/object-filter';
import type { DeepenSpec } from '../engine/shallow-boundary';
import type { FetchArguments } from './protocol';

/** What a fetch asks of the pack besides its wants: a shallow boundary, an object filter. */
export interface FetchOptions {
  deepen: DeepenSpec;
  filter: ObjectFilter | null;
}

/**
 * A fetch's deepen and filter arguments, checked as git's upload-pack checks them, with its
 * `deepen-not` names resolved by the rev-parse rules (`X`, `refs/X`, `refs/tags/X`,
 * `refs/heads/X`, …); or the error line to send. `refs` is only read for `deepen-not`.
 */
export async function resolveFetchOptions(args: FetchArguments, refs: () => Promise<{ name: string; oid: Oid }[]>, defaultBranch: string): Promise<FetchOptions | string> {
  let filter: ObjectFilter | null = null;
  try {
    if (args.filter !== null) filter = parseObjectFilter(args.filter);
  } catch (err) {
    if (err instanceof UnsupportedFilterError) return `git upload-pack: ${err.message}`;
    throw err;
  }
  if (args.depth > 0 && (args.deepenSince !== null || args.deepenNot.length > 0)) {
    return 'git upload-pack: deepen and deepen-since (or deepen-not) cannot be used together';
  }
  const not: Oid[] = [];
  if (args.deepenNot.length > 0) {
    const byName = new Map((await refs()).map((r) => [r.name, r.oid]));
    const head = byName.get(`refs/heads/${defaultBranch}`);
    if (head) byName.set('HEAD', head);
    for (const name of args.deepenNot) {
      const found = [name, `refs/${name}`, `refs/tags/${name}`, `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/${name}/HEAD`].filter((n) => byName.has(n));
      if (found.length > 1) return `git upload-pack: ambiguous deepen-not: deepen-not ${name}`;
      if (found.length === 0) return `git upload-pack: deepen-not is not a ref: deepen-not ${name}`;
      not.push(byName.get(found[0])!);
    }
  }
  return { deepen: { depth: args.depth, relative: args.deepenRelative, since: args.deepenSince, not }, filter };
}
