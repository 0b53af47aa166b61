import { hashObject } from '../codec/hash';
import type { Oid } from '../codec/object-types';
import { encodeTree, type TreeEntry, type TreeMode } from '../codec/tree';

type FileNode = { kind: 'file'; mode: TreeMode; oid: Oid };
type DirNode = { kind: 'dir'; oid: Oid | null; entries: Map<string, Node> | null };
type Node = FileNode | DirNode;

export interface NewTree {
  oid: Oid;
  body: Buffer;
}

export class PathConflictError extends Error {}
export class PathMissingError extends Error {}

/**
 * Applies path-based edits to a git tree and writes only the trees that changed. Directories
 * are read lazily, so an edit deep in a large repository touches one tree per level.
 */
export class TreeEditor {
  private readonly root: DirNode;

  constructor(
    private readonly readTree: (oid: Oid) => Promise<TreeEntry[]>,
    rootOid: Oid | null,
  ) {
    this.root = rootOid ? { kind: 'dir', oid: rootOid, entries: null } : { kind: 'dir', oid: null, entries: new Map() };
  }

  async get(path: string): Promise<{ mode: TreeMode; oid: Oid } | null> {
    const parts = path.split('/');
    let dir = this.root;
    for (const part of parts.slice(0, -1)) {
      const next = (await this.load(dir)).get(part);
      if (!next || next.kind !== 'dir') return null;
      dir = next;
    }
    const leaf = (await this.load(dir)).get(parts[parts.length - 1]);
    if (!leaf) return null;
    return leaf.kind === 'file' ? { mode: leaf.mode, oid: leaf.oid } : { mode: '40000', oid: leaf.oid ?? '' };
  }

  async put(path: string, mode: TreeMode, oid: Oid): Promise<void> {
    const parts = path.split('/');
    let dir = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const entries = await this.load(dir);
      let next = entries.get(parts[i]);
      if (next?.kind === 'file') throw new PathConflictError(`"${parts.slice(0, i + 1).join('/')}" is a file, so "${path}" cannot be created`);
      if (!next) {
        next = { kind: 'dir', oid: null, entries: new Map() };
        entries.set(parts[i], next);
      }
      dir.oid = null;
      dir = next;
    }
    const entries = await this.load(dir);
    const name = parts[parts.length - 1];
    if (entries.get(name)?.kind === 'dir') throw new PathConflictError(`"${path}" is a folder, so a file cannot be written there`);
    entries.set(name, { kind: 'file', mode, oid });
    dir.oid = null;
  }

  /**
   * Removes what is at `path`: a file or a whole folder (`folderOnly` refuses a file, as
   * `deletedFolder` does; a `deletedFile` naming a folder deletes it, as on the Hub). Empty
   * parent folders disappear, as in git.
   */
  async remove(path: string, folderOnly: boolean): Promise<void> {
    const parts = path.split('/');
    const chain: DirNode[] = [this.root];
    for (const part of parts.slice(0, -1)) {
      const next = (await this.load(chain[chain.length - 1])).get(part);
      if (!next || next.kind !== 'dir') throw new PathMissingError(path);
      chain.push(next);
    }
    const parent = chain[chain.length - 1];
    const entries = await this.load(parent);
    const leaf = entries.get(parts[parts.length - 1]);
    if (!leaf || (folderOnly && leaf.kind !== 'dir')) throw new PathMissingError(path);
    entries.delete(parts[parts.length - 1]);
    for (let i = chain.length - 1; i >= 0; i--) {
      chain[i].oid = null;
      if (i > 0 && (await this.load(chain[i])).size === 0) (await this.load(chain[i - 1])).delete(parts[i - 1]);
    }
  }

  /** Serialises every changed directory, bottom-up; returns the root tree id and the new trees. */
  async write(): Promise<{ rootOid: Oid; trees: NewTree[] }> {
    const trees: NewTree[] = [];
    const rootOid = this.writeDir(this.root, trees);
    return { rootOid, trees };
  }

  private writeDir(dir: DirNode, out: NewTree[]): Oid {
    if (dir.oid) return dir.oid;
    const entries: TreeEntry[] = [];
    for (const [name, node] of dir.entries ?? []) {
      entries.push(node.kind === 'file' ? { mode: node.mode, name, oid: node.oid } : { mode: '40000', name, oid: this.writeDir(node, out) });
    }
    const body = encodeTree(entries);
    dir.oid = hashObject('tree', body);
    out.push({ oid: dir.oid, body });
    return dir.oid;
  }

  private async load(dir: DirNode): Promise<Map<string, Node>> {
    if (!dir.entries) {
      dir.entries = new Map();
      for (const e of await this.readTree(dir.oid!)) {
        dir.entries.set(e.name, e.mode === '40000' ? { kind: 'dir', oid: e.oid, entries: null } : { kind: 'file', mode: e.mode, oid: e.oid });
      }
    }
    return dir.entries;
  }
}
