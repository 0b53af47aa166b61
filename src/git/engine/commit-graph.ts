import type { Oid } from '../codec/object-types';

/** No shallow boundary: every parent counts. */
export const NO_CUT: ReadonlySet<Oid> = new Set();

export interface GraphNode {
  tree: Oid;
  parents: Oid[];
  generation: number;
}

/** The indexed commits below some heads, walked in memory. */
export class CommitGraph {
  constructor(readonly nodes: Map<Oid, GraphNode>) {}

  has(oid: Oid): boolean {
    return this.nodes.has(oid);
  }

  /** Parents as the client sees them: none at a commit of `cut` (its shallow boundary). */
  parentsOf(oid: Oid, cut: ReadonlySet<Oid>): Oid[] {
    if (cut.has(oid)) return [];
    return (this.nodes.get(oid)?.parents ?? []).filter((p) => this.nodes.has(p));
  }

  /** Commits reachable from `starts` (included), not crossing `cut` and not entering `stop`. In walk order. */
  closure(starts: Iterable<Oid>, cut: ReadonlySet<Oid>, stop: ReadonlySet<Oid> = new Set()): Oid[] {
    const seen = new Set<Oid>();
    const out: Oid[] = [];
    const queue: Oid[] = [];
    const visit = (oid: Oid) => {
      if (!this.nodes.has(oid) || stop.has(oid) || seen.has(oid)) return;
      seen.add(oid);
      queue.push(oid);
    };
    for (const s of starts) visit(s);
    for (let i = 0; i < queue.length; i++) {
      out.push(queue[i]);
      this.parentsOf(queue[i], cut).forEach(visit);
    }
    return out;
  }

  /** Every want reaches a commit of `common` (git's ok_to_give_up, with the whole common history). */
  allReach(wants: readonly Oid[], common: ReadonlySet<Oid>, cut: ReadonlySet<Oid>): boolean {
    if (common.size === 0) return false;
    const order = [...this.nodes.entries()].sort((a, b) => a[1].generation - b[1].generation);
    const reaches = new Map<Oid, boolean>();
    for (const [oid] of order) reaches.set(oid, common.has(oid) || this.parentsOf(oid, cut).some((p) => reaches.get(p) === true));
    return wants.every((w) => reaches.get(w) === true);
  }

  /** Minimal distance from the wants (0 for the wants themselves). */
  depths(wants: readonly Oid[]): Map<Oid, number> {
    const depth = new Map<Oid, number>();
    const queue: Oid[] = [];
    const visit = (oid: Oid, d: number) => {
      if (!this.nodes.has(oid) || depth.has(oid)) return;
      depth.set(oid, d);
      queue.push(oid);
    };
    for (const w of wants) visit(w, 0);
    for (let i = 0; i < queue.length; i++) {
      const d = depth.get(queue[i])! + 1;
      for (const p of this.parentsOf(queue[i], NO_CUT)) visit(p, d);
    }
    return depth;
  }
}

