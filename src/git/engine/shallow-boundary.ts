import type { Oid } from '../codec/object-types';
import { type CommitGraph, NO_CUT } from './commit-graph';

/**
 * Where a shallow fetch cuts history (git-protocol notes §1.7): the commits the client gets, the
 * new shallow boundary among them, and which of its old shallow commits now get their parents.
 */

/** How a fetch deepens: `deepen <n>` (optionally relative), `deepen-since`, `deepen-not`. */
export interface DeepenSpec {
  /** `deepen <n>`, 0 when absent. */
  depth: number;
  /** The depth counts from the client's shallow commits rather than from the wants. */
  relative: boolean;
  /** `deepen-since <seconds since the epoch>`: no commit older than this, nor below one. */
  since: number | null;
  /** `deepen-not`, resolved to commits: none of their history comes along. */
  not: Oid[];
}

/** Does the fetch ask for a shallow boundary at all? */
export function isDeepening(spec: DeepenSpec): boolean {
  return spec.depth > 0 || spec.since !== null || spec.not.length > 0;
}

/** A `deepen-since`/`deepen-not` that leaves nothing to send: git's upload-pack refuses it the same way. */
export class NoCommitsSelectedError extends Error {
  constructor() {
    super('no commits selected for shallow requests');
  }
}

export interface Deepened {
  /** Every commit at the new boundary (parents not sent), announced or not. */
  boundary: Oid[];
  /** The boundary commits to announce (`shallow <oid>`): those the client does not have as shallow yet. */
  shallow: Oid[];
  /** Client shallow commits whose parents now come along (`unshallow <oid>`). */
  unshallow: Oid[];
  unshallowSet: Set<Oid>;
}

/**
 * The boundary for `spec`. `times` gives each commit's committer time in seconds; it is only
 * read for `deepen-since`.
 */
export function shallowBoundary(graph: CommitGraph, wants: readonly Oid[], clientShallow: ReadonlySet<Oid>, spec: DeepenSpec, times: ReadonlyMap<Oid, number>): Deepened {
  if (spec.depth > 0) return deepenByDepth(graph, wants, clientShallow, spec.depth, spec.relative);
  return deepenByExclusion(graph, wants, clientShallow, spec.since, spec.not, times);
}

/**
 * `deepen <depth>`: the commits within `depth` of the wants; those at the last level that have
 * parents become the new shallow boundary. Client shallow commits now strictly inside are
 * unshallowed; boundary commits the client already has as shallow are not announced.
 * `deepen-relative` counts from the client's shallow commits instead, one level further (as git).
 */
function deepenByDepth(graph: CommitGraph, wants: readonly Oid[], clientShallow: ReadonlySet<Oid>, depth: number, relative: boolean): Deepened {
  if (relative) {
    depth += 1;
    wants = [...clientShallow];
  }
  const depths = graph.depths(wants);
  const boundary: Oid[] = [];
  const unshallow: Oid[] = [];
  for (const [oid, d] of depths) {
    if (d > depth - 1) continue;
    const hasParents = graph.parentsOf(oid, NO_CUT).length > 0;
    if (d === depth - 1 && hasParents) boundary.push(oid);
    else if (clientShallow.has(oid) && hasParents) unshallow.push(oid);
  }
  return done(boundary, unshallow, clientShallow);
}

/**
 * `deepen-since` and `deepen-not`, as git's `rev-list --max-age=<since> <wants> --not <refs>`:
 * a commit older than `since` is left out together with all its history, and so is everything
 * reachable from a `deepen-not` commit. The boundary is made of the commits kept that have a
 * parent left out. A want that is itself left out still goes with its history (the client asked
 * for it, and git's upload-pack sends it so), only cut where it meets the boundary.
 */
function deepenByExclusion(graph: CommitGraph, wants: readonly Oid[], clientShallow: ReadonlySet<Oid>, since: number | null, not: readonly Oid[], times: ReadonlyMap<Oid, number>): Deepened {
  const reachable = graph.closure(wants, NO_CUT);
  const old = since === null ? [] : reachable.filter((c) => (times.get(c) ?? 0) < since);
  const left = new Set(graph.closure([...old, ...not], NO_CUT));
  const kept = reachable.filter((c) => !left.has(c));
  if (kept.length === 0) throw new NoCommitsSelectedError();
  const keptSet = new Set(kept);
  const boundary: Oid[] = [];
  const unshallow: Oid[] = [];
  for (const c of kept) {
    const parents = graph.parentsOf(c, NO_CUT);
    if (parents.some((p) => !keptSet.has(p))) boundary.push(c);
    else if (clientShallow.has(c) && parents.length > 0) unshallow.push(c);
  }
  return done(boundary, unshallow, clientShallow);
}

function done(boundary: Oid[], unshallow: Oid[], clientShallow: ReadonlySet<Oid>): Deepened {
  return { boundary, shallow: boundary.filter((b) => !clientShallow.has(b)), unshallow, unshallowSet: new Set(unshallow) };
}
