import { Injectable } from '@nestjs/common';
import { EventLoopTurn } from '../../core/event-loop';
import { decodeTag } from '../codec/commit';
import type { GitObjectType, Oid } from '../codec/object-types';
import { CommitGraph, NO_CUT } from './commit-graph';
import { GitCommitsRepository } from './git-commits.repository';
import type { StoredObjectRow } from './git-objects.repository';
import { ByteBudgetLru } from './lru-cache';
import { ObjectDatabase } from './object-database';
import { type ObjectFilter, treeDepthLimit } from './object-filter';
import { type DeepenSpec, type Deepened, isDeepening, shallowBoundary } from './shallow-boundary';
import { type TreeDiff, TreeWalker } from './tree-walker';

/**
 * What upload-pack sends (git-protocol notes §1.5–1.7): the objects reachable from the wants
 * minus those reachable from the common haves, cut at the shallow boundary; trees may go as
 * deltas against the previous version at their path (see TreeWalker), the pack itself is written
 * by PackStreamer. Everything is scoped to one repository: a have or
 * a want names an object only if this repository holds it.
 */

/** Memory for tree diffs reused across requests (see TreeWalker). */
const TREE_DIFF_CACHE_BYTES = 32 * 1024 * 1024;
/** Annotated tags nest at most this deep before Hangar gives up peeling. */
const MAX_TAG_DEPTH = 8;

/** The wants, sorted by kind: commits to walk, tag objects to send as they are, trees and blobs named directly. */
export interface ResolvedWants {
  commits: Oid[];
  tags: Oid[];
  trees: Oid[];
  blobs: Oid[];
}

export interface PackRequest {
  wants: ResolvedWants;
  /** Haves this repository has (commits in its index): the client has them and all their history. */
  common: Oid[];
  /** The client's shallow boundary (its commits without parents). */
  clientShallows: Oid[];
  /** How the client deepens (depth 0, no date, no excluded ref: a full history). */
  deepen: DeepenSpec;
  /** Annotated tags of the repository, offered by `include-tag` when their commit is sent. */
  includeTags: { tagOid: Oid; commit: Oid }[] | null;
  /** A partial clone's filter (null: every object). */
  filter: ObjectFilter | null;
}

export interface PlannedObject {
  oid: Oid;
  type: GitObjectType;
  /** Known when the walk already loaded it (trees); others are loaded while streaming. */
  row?: StoredObjectRow;
  /** Send this delta against an earlier object of the pack instead of the whole body. */
  delta?: { base: Oid; data: Buffer };
}

export interface PackPlan {
  objects: PlannedObject[];
  /** New shallow boundary commits to announce (`shallow <oid>`). */
  shallow: Oid[];
  /** Client shallow commits whose history now comes along (`unshallow <oid>`). */
  unshallow: Oid[];
}

@Injectable()
export class PackPlanner {
  private readonly treeDiffs = new ByteBudgetLru<TreeDiff>(TREE_DIFF_CACHE_BYTES);

  constructor(
    private readonly objects: ObjectDatabase,
    private readonly commits: GitCommitsRepository,
  ) {}

  /** Sorts the wants by kind; the first one this repository cannot serve is returned as `missing`. */
  async resolveWants(repoId: number, wants: readonly Oid[]): Promise<ResolvedWants | { missing: Oid }> {
    const unique = [...new Set(wants)];
    const out: ResolvedWants = { commits: [], tags: [], trees: [], blobs: [] };
    const types = await this.objects.typesOf(repoId, unique);
    for (const want of unique) {
      let oid = want;
      for (let depth = 0; ; depth++) {
        const type = types.get(oid)?.type ?? (await this.objects.info(repoId, oid))?.type;
        if (!type || depth > MAX_TAG_DEPTH) return { missing: want };
        if (type === 'tag') {
          out.tags.push(oid);
          oid = decodeTag((await this.objects.read(repoId, oid)).body).object;
          continue;
        }
        if (type === 'commit') {
          if (!types.get(oid)?.indexed && !(await this.commits.existing(repoId, [oid])).has(oid)) return { missing: want };
          out.commits.push(oid);
        } else if (type === 'tree') out.trees.push(oid);
        else out.blobs.push(oid);
        break;
      }
    }
    out.commits = [...new Set(out.commits)];
    out.tags = [...new Set(out.tags)];
    return out;
  }

  /** Which haves are common (commits this repository has indexed), in request order. */
  async commonHaves(repoId: number, haves: readonly Oid[]): Promise<Oid[]> {
    const known = await this.commits.existing(repoId, [...new Set(haves)]);
    return [...new Set(haves)].filter((h) => known.has(h));
  }

  async graph(repoId: number, heads: Iterable<Oid>): Promise<CommitGraph> {
    const rows = await this.commits.ancestry(repoId, [...new Set(heads)]);
    return new CommitGraph(new Map(rows.map((r) => [r.oid, { tree: r.treeOid, parents: r.parents, generation: r.generation }])));
  }

  /** Can the server stop negotiating (`ready`)? Every want commit reaches a common commit. */
  async readyToGiveUp(repoId: number, wantCommits: readonly Oid[], common: readonly Oid[], clientShallows: readonly Oid[]): Promise<boolean> {
    if (common.length === 0) return false;
    const graph = await this.graph(repoId, [...wantCommits, ...common]);
    const cut = new Set(clientShallows);
    const have = new Set(graph.closure(common, cut));
    return graph.allReach(wantCommits, have, cut);
  }

  /** The shallow boundary of a deepen (without computing a pack): for the first POST of a v0 shallow fetch. */
  async shallowUpdate(repoId: number, wants: ResolvedWants, clientShallows: readonly Oid[], spec: DeepenSpec): Promise<{ shallow: Oid[]; unshallow: Oid[] }> {
    const graph = await this.graph(repoId, [...wants.commits, ...spec.not]);
    const { shallow, unshallow } = await this.deepen(repoId, graph, wants.commits, new Set(clientShallows), spec);
    return { shallow, unshallow };
  }

  /** Throws NoCommitsSelectedError when `deepen-since`/`deepen-not` leave nothing to send. */
  private async deepen(repoId: number, graph: CommitGraph, wants: readonly Oid[], clientShallow: ReadonlySet<Oid>, spec: DeepenSpec): Promise<Deepened> {
    // Committer times only for deepen-since: a plain clone never pays for them.
    const times = spec.since === null ? new Map<Oid, number>() : await this.commits.committerTimes(repoId, [...graph.nodes.keys()]);
    return shallowBoundary(graph, wants, clientShallow, spec, times);
  }

  /** Decides the objects of the pack. */
  async plan(repoId: number, req: PackRequest): Promise<PackPlan> {
    const clientShallow = new Set(req.clientShallows);
    const graph = await this.graph(repoId, [...req.wants.commits, ...req.common, ...req.deepen.not]);
    let cut: Set<Oid> = clientShallow;
    let extraWants: Oid[] = [];
    let shallow: Oid[] = [];
    let unshallow: Oid[] = [];
    if (isDeepening(req.deepen)) {
      const d = await this.deepen(repoId, graph, req.wants.commits, clientShallow, req.deepen);
      ({ shallow, unshallow } = d);
      cut = new Set([...d.boundary, ...req.clientShallows.filter((s) => !d.unshallowSet.has(s))]);
      extraWants = unshallow.flatMap((u) => graph.parentsOf(u, NO_CUT));
    }
    // What the client has: the common commits and their history down to its shallow boundary.
    const uninteresting = new Set(graph.closure(req.common, clientShallow));
    const interesting = graph.closure([...req.wants.commits, ...extraWants], cut, uninteresting);
    // The trees of the commits at the edge (and of unshallowed commits) are what the client has.
    const edge = new Set<Oid>();
    for (const c of interesting) for (const p of graph.parentsOf(c, cut)) if (uninteresting.has(p)) edge.add(p);
    for (const u of unshallow) if (uninteresting.has(u)) edge.add(u);

    const walker = new TreeWalker(this.objects, repoId, this.treeDiffs);
    await walker.markUninteresting([...edge].map((c) => graph.nodes.get(c)!.tree));
    const roots = [...interesting.map((c) => graph.nodes.get(c)!.tree), ...req.wants.trees];
    const depthLimit = treeDepthLimit(req.filter);
    const { trees, blobs: reached } = await walker.collect(roots, req.wants.blobs, depthLimit);
    const blobs = await this.filterBlobs(repoId, reached, req.filter, req.wants.blobs);
    // Wanted trees go whatever the filter (tree:0 walks none of them).
    const wantedTrees = depthLimit === 0 ? req.wants.trees : [];

    const tags = [...req.wants.tags];
    if (req.includeTags) {
      const sent = new Set(interesting);
      const have = new Set(tags);
      for (const t of req.includeTags) {
        if (!sent.has(t.commit) || have.has(t.tagOid)) continue;
        // The tag object, and any tag it names on the way down to the commit.
        for (let oid: Oid = t.tagOid, depth = 0; depth <= MAX_TAG_DEPTH && !have.has(oid); depth++) {
          const obj = await this.objects.read(repoId, oid);
          if (obj.type !== 'tag') break;
          have.add(oid);
          tags.push(oid);
          oid = decodeTag(obj.body).object;
        }
      }
    }
    const objects: PlannedObject[] = [
      ...interesting.map((oid) => ({ oid, type: 'commit' as const })),
      ...tags.map((oid) => ({ oid, type: 'tag' as const })),
      ...trees.map((t) => ({ oid: t.row.oid, type: 'tree' as const, row: t.row, delta: t.delta })),
      ...wantedTrees.map((oid) => ({ oid, type: 'tree' as const })),
    ];
    // A clone sends 100,000 blobs: other requests get turns while they are listed.
    const turn = new EventLoopTurn();
    for (let i = 0; i < blobs.length; i++) {
      objects.push({ oid: blobs[i], type: 'blob' });
      if (i % 1024 === 1023) await turn.take();
    }
    return { objects, shallow, unshallow };
  }

  /** The blobs a `blob:none`/`blob:limit` filter lets through; wanted ones always go. */
  private async filterBlobs(repoId: number, blobs: Oid[], filter: ObjectFilter | null, wanted: readonly Oid[]): Promise<Oid[]> {
    if (filter?.kind !== 'blobs') return blobs;
    const keep = new Set(wanted);
    if (filter.limit === 0) return blobs.filter((b) => keep.has(b));
    const sizes = await this.objects.sizes(repoId, blobs);
    return blobs.filter((b) => keep.has(b) || (sizes.get(b) ?? Infinity) < filter.limit);
  }
}
