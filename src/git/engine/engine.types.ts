import type { EntityManager } from 'typeorm';
import type { Oid } from '../codec/object-types';
import type { TreeMode } from '../codec/tree';

/** A blob hashed, deflated and (when large) written to the object store, not yet recorded. */
export interface PreparedBlob {
  oid: Oid;
  size: number;
  /** Opaque to callers: what the object database records. */
  row: unknown;
}

/** Who made a change; also the committer (Hangar commits on the user's behalf). */
export interface Author {
  name: string;
  email: string;
}

/** One path-based change of a commit. Paths are validated by the engine (no `..`, `.git/`, NUL, ...). */
export type PathOperation =
  | { kind: 'put'; path: string; content: Buffer; executable?: boolean }
  /** A blob already hashed and stored by VersionEngine.prepareBlob (streamed commit payloads). */
  | { kind: 'put-prepared'; path: string; blob: PreparedBlob }
  | { kind: 'put-blob'; path: string; oid: Oid }
  | { kind: 'delete-file'; path: string }
  | { kind: 'delete-folder'; path: string }
  | { kind: 'copy'; srcPath: string; path: string; srcRevision?: string };

export interface CommitInput {
  repoId: number;
  /** A branch name (`main`) or a full ref (`refs/pr/3`). */
  revision: string;
  operations: PathOperation[];
  summary: string;
  description?: string;
  /** When set, the commit is refused with 412 unless the branch head is this commit (full or ≥7-hex prefix). */
  parentCommit?: string;
  author: Author;
  /** The user making the commit (for the RefHooks listeners). */
  actorId?: number | null;
  /** Commit onto a new `refs/pr/N` branched from `revision` instead of moving `revision`. */
  createPr?: boolean;
  /** Runs inside the commit's transaction before the ref moves: derived rows of other modules. */
  inTransaction?: (m: EntityManager, commitOid: Oid) => Promise<void>;
}

/** A commit with its root tree: what a ref was moved to, for work after the move. */
export interface CommitHead {
  commit: Oid;
  tree: Oid;
}

export interface CommitResult {
  commitOid: Oid;
  /** The new commit's root tree. */
  treeOid: Oid;
  /** The ref that moved: `refs/heads/<branch>` or `refs/pr/<n>`. */
  ref: string;
  prNumber: number | null;
}

export interface CommitInfo {
  oid: Oid;
  treeOid: Oid;
  parents: Oid[];
  authorName: string;
  authorEmail: string;
  authoredAt: Date;
  committedAt: Date;
  title: string;
  message: string;
}

/**
 * A ref read earlier in the same request (with the repository, in one statement): `revision` as
 * the route named it and what it was found to point at (null: no branch or tag of that name).
 * Never kept beyond the request, so never stale for longer than the request itself.
 */
export interface RefHint {
  revision: string;
  ref: string | null;
  oid: Oid | null;
}

export interface ResolvedRevision {
  commitOid: Oid;
  /** The ref the revision named, when it named one (`refs/heads/main`, `refs/tags/v1`, `refs/pr/1`). */
  ref: string | null;
}

export interface RepoEntry {
  /** Path from the repository root, without a leading slash. */
  path: string;
  type: 'file' | 'directory';
  oid: Oid;
  mode: TreeMode;
  /** Blob size in bytes (0 for directories). */
  size: number;
}

export interface RefInfo {
  name: string;
  /** The commit the ref points at (annotated tags are peeled). */
  oid: Oid;
  /** For annotated tags: the tag object id. */
  tagOid?: Oid;
}
