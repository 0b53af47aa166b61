import { hashObject } from '../codec/hash';
import type { Oid } from '../codec/object-types';
import { isUtf8 } from 'node:buffer';
import { encodeTree, nameBytes, type TreeEntry, type TreeMode } from '../codec/tree';

type FileNode = { kind: 'file'; mode: TreeMode; oid: Oid };
/**
 * `entries` is keyed by the name's bytes (as a latin1 string), so names are compared as written:
 * two different byte strings never become one entry. `nfc` maps each name's NFC form to its key,
 * built when a name is added, to refuse a second spelling of one name.
 */
type DirNode = { kind: 'dir'; oid: Oid | null; entries: Map<string, Node> | null; nfc?: Map<string, string> };
type Node = FileNode | DirNode;

/** The key of a path segment given as text (the HF API's paths are well-formed Unicode). */
const keyOf = (segment: string): string => Buffer.from(segment, 'utf8').toString('latin1');

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
      const next = (await this.load(dir)).get(keyOf(part));
      if (!next || next.kind !== 'dir') return null;
      dir = next;
    }
    const leaf = (await this.load(dir)).get(keyOf(parts[parts.length - 1]));
    if (!leaf) return null;
    return leaf.kind === 'file' ? { mode: leaf.mode, oid: leaf.oid } : { mode: '40000', oid: leaf.oid ?? '' };
  }

  async put(path: string, mode: TreeMode, oid: Oid): Promise<void> {
    const parts = path.split('/');
    let dir = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const entries = await this.load(dir);
      let next = entries.get(keyOf(parts[i]));
      if (next?.kind === 'file') throw new PathConflictError(`"${parts.slice(0, i + 1).join('/')}" is a file, so "${path}" cannot be created`);
      if (!next) {
        next = { kind: 'dir', oid: null, entries: new Map() };
        this.add(dir, entries, parts[i], next, path);
      }
      dir.oid = null;
      dir = next;
    }
    const entries = await this.load(dir);
    const name = parts[parts.length - 1];
    const existing = entries.get(keyOf(name));
    if (existing?.kind === 'dir') throw new PathConflictError(`"${path}" is a folder, so a file cannot be written there`);
    if (existing) entries.set(keyOf(name), { kind: 'file', mode, oid });
    else this.add(dir, entries, name, { kind: 'file', mode, oid }, path);
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
      const next = (await this.load(chain[chain.length - 1])).get(keyOf(part));
      if (!next || next.kind !== 'dir') throw new PathMissingError(path);
      chain.push(next);
    }
    const parent = chain[chain.length - 1];
    const entries = await this.load(parent);
    const leaf = entries.get(keyOf(parts[parts.length - 1]));
    if (!leaf || (folderOnly && leaf.kind !== 'dir')) throw new PathMissingError(path);
    this.drop(parent, parts[parts.length - 1]);
    for (let i = chain.length - 1; i >= 0; i--) {
      chain[i].oid = null;
      if (i > 0 && (await this.load(chain[i])).size === 0) this.drop(chain[i - 1], parts[i - 1]);
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
    for (const [key, node] of dir.entries ?? []) {
      const bytes = Buffer.from(key, 'latin1');
      const named = isUtf8(bytes) ? { name: bytes.toString('utf8') } : { name: bytes.toString('utf8'), rawName: bytes };
      entries.push(node.kind === 'file' ? { mode: node.mode, ...named, oid: node.oid } : { mode: '40000', ...named, oid: this.writeDir(node, out) });
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
        dir.entries.set(nameBytes(e).toString('latin1'), e.mode === '40000' ? { kind: 'dir', oid: e.oid, entries: null } : { kind: 'file', mode: e.mode, oid: e.oid });
      }
    }
    return dir.entries;
  }

  /**
   * Adds a new name to a loaded folder, refusing a name that differs from one already there only
   * by Unicode normalization (NFC "é" and NFD "e\u0301"): macOS and Windows check out both as one file.
   */
  private add(dir: DirNode, entries: Map<string, Node>, name: string, node: Node, path: string): void {
    if (!dir.nfc) {
      dir.nfc = new Map();
      for (const key of entries.keys()) dir.nfc.set(Buffer.from(key, 'latin1').toString('utf8').normalize('NFC'), key);
    }
    const nfc = name.normalize('NFC');
    const twin = dir.nfc.get(nfc);
    if (twin !== undefined && entries.has(twin)) {
      throw new PathConflictError(`"${path}" differs from the existing "${Buffer.from(twin, 'latin1').toString('utf8')}" only by Unicode normalization`);
    }
    entries.set(keyOf(name), node);
    dir.nfc.set(nfc, keyOf(name));
  }

  private drop(dir: DirNode, name: string): void {
    dir.entries!.delete(keyOf(name));
    // `nfc` entries of removed names are skipped by `add` (it checks the key is still present).
  }
}
