import type { Oid } from './object-types';

/** Tree entry modes as git writes them (no leading zero for directories). */
export type TreeMode = '100644' | '100755' | '120000' | '40000' | '160000';

export interface TreeEntry {
  mode: TreeMode;
  name: string;
  oid: Oid;
}

export const isTreeMode = (mode: TreeMode): boolean => mode === '40000';

/**
 * Git's tree order: byte order of the names, where a directory compares as if its name ended
 * with "/". So "a.txt" < "a/" < "a0" while a file "a" < "a.txt".
 */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  const ka = Buffer.from(isTreeMode(a.mode) ? `${a.name}/` : a.name, 'utf8');
  const kb = Buffer.from(isTreeMode(b.mode) ? `${b.name}/` : b.name, 'utf8');
  return Buffer.compare(ka, kb);
}

/** Serialises entries (sorted here) as `<mode> <name>\0<20-byte oid>` each. */
export function encodeTree(entries: readonly TreeEntry[]): Buffer {
  const sorted = [...entries].sort(compareTreeEntries);
  const parts: Buffer[] = [];
  // A set, not a neighbour check: a file "a" and a directory "a" (sorted as "a/") need not be adjacent.
  const seen = new Set<string>();
  for (const e of sorted) {
    if (seen.has(e.name)) throw new Error(`duplicate tree entry: ${e.name}`);
    seen.add(e.name);
    // git fsck refuses these names; no tree Hangar writes may contain them.
    if (!e.name || e.name.includes('/') || e.name.includes('\0') || e.name === '.' || e.name === '..' || e.name.toLowerCase() === '.git') {
      throw new Error(`invalid tree entry name: ${JSON.stringify(e.name)}`);
    }
    parts.push(Buffer.from(`${e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.oid, 'hex'));
  }
  return Buffer.concat(parts);
}

export function decodeTree(body: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let pos = 0; pos < body.length; ) {
    const { entry, end } = decodeTreeEntryAt(body, pos);
    entries.push(entry);
    pos = end;
  }
  return entries;
}

/** The entry starting at byte `pos` of a tree body, and where the next one starts. */
export function decodeTreeEntryAt(body: Buffer, pos: number): { entry: TreeEntry; end: number } {
  const space = body.indexOf(0x20, pos);
  const nul = space < 0 ? -1 : body.indexOf(0, space + 1);
  if (space < 0 || nul < 0 || nul + 21 > body.length) throw new Error('malformed tree object');
  const mode = body.toString('latin1', pos, space) as TreeMode;
  const name = body.toString('utf8', space + 1, nul);
  const oid = body.toString('hex', nul + 1, nul + 21);
  return { entry: { mode: normaliseMode(mode), name, oid }, end: nul + 21 };
}

function normaliseMode(mode: string): TreeMode {
  // Old git wrote "040000" for directories; read it, never write it.
  if (mode === '040000') return '40000';
  if (mode === '100644' || mode === '100755' || mode === '120000' || mode === '40000' || mode === '160000') return mode;
  throw new Error(`unknown tree entry mode: ${mode}`);
}
