/**
 * Partial clone's object filters (`git clone --filter=…`, upload-pack's `filter <spec>`): which
 * blobs and trees a pack leaves out for the client to fetch lazily later. Objects a client names
 * in a `want` always go, filtered or not (git's rule: a promisor fetch asks for the very blobs
 * its filter left out).
 */
export type ObjectFilter =
  /** `blob:limit=<n>[kmg]`: only blobs smaller than `limit` bytes; `blob:none` is limit 0. */
  | { kind: 'blobs'; limit: number }
  /** `tree:<depth>`: no blobs, and no trees `depth` or more levels below a root tree (0: commits only). */
  | { kind: 'trees'; depth: number };

/** A filter spec Hangar does not serve (`sparse:oid=`, `object:type=`, `combine:`), or a malformed one. */
export class UnsupportedFilterError extends Error {
  constructor(spec: string) {
    super(`filter '${spec.slice(0, 80)}' not supported`);
  }
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseObjectFilter(spec: string): ObjectFilter {
  if (spec === 'blob:none') return { kind: 'blobs', limit: 0 };
  const limit = /^blob:limit=(\d{1,15})([kmg]?)$/i.exec(spec);
  if (limit) return { kind: 'blobs', limit: Number(limit[1]) * UNITS[limit[2].toLowerCase()] };
  const tree = /^tree:(\d{1,9})$/.exec(spec);
  if (tree) return { kind: 'trees', depth: Number(tree[1]) };
  throw new UnsupportedFilterError(spec);
}

/** How deep the tree walk goes under `filter`: trees at levels below this are entered (root trees are level 0). */
export function treeDepthLimit(filter: ObjectFilter | null): number {
  return filter?.kind === 'trees' ? filter.depth : Infinity;
}
