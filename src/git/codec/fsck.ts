/**
 * The object checks `git fsck --strict` and `receive.fsckObjects=true` make on trees and
 * `.gitmodules` blobs (git's fsck.c, utf8.c `is_hfs_dotgit`, path.c `is_ntfs_dotgit`), on the
 * bytes as written. Under `--strict` (what receive-pack runs) git's warnings are errors, so
 * every finding here refuses the object. Pure: no I/O.
 */

/** git's message ids (`fsck.<id>` in git-config), so a refusal reads as git's own. */
export type FsckId =
  | 'badTree'
  | 'emptyName'
  | 'fullPathname'
  | 'hasDot'
  | 'hasDotdot'
  | 'hasDotgit'
  | 'zeroPaddedFilemode'
  | 'badFilemode'
  | 'duplicateEntries'
  | 'treeNotSorted'
  | 'gitmodulesSymlink'
  | 'gitmodulesBlob'
  | 'gitmodulesName'
  | 'gitmodulesUrl'
  | 'gitmodulesPath'
  | 'gitmodulesUpdate'
  | 'gitmodulesParse';

export interface FsckProblem {
  id: FsckId;
  message: string;
}

const DOT = 0x2e;
const SLASH = 0x2f;

/**
 * The problem with one tree entry name, or null: the rules that make a name unsafe to check
 * out (empty, `/`, `.`, `..`, and `.git` in any case or in a spelling that HFS+ or NTFS treat
 * as `.git`). Used for pushed trees and for every tree Hangar writes from the HF API.
 */
export function entryNameProblem(name: Buffer): FsckProblem | null {
  if (name.length === 0) return { id: 'emptyName', message: 'contains empty pathname' };
  if (name.includes(SLASH)) return { id: 'fullPathname', message: 'contains full pathnames' };
  if (name.length === 1 && name[0] === DOT) return { id: 'hasDot', message: "contains '.'" };
  if (name.length === 2 && name[0] === DOT && name[1] === DOT) return { id: 'hasDotdot', message: "contains '..'" };
  if (isHfsDot(name, 'git') || isNtfsDotgit(name)) return { id: 'hasDotgit', message: "contains '.git'" };
  return null;
}

/** Whether a tree entry of this name is read as `.gitmodules` by git on some file system. */
export function isGitmodulesName(name: Buffer): boolean {
  return isHfsDot(name, 'gitmodules') || isNtfsDotGeneric(name, 'gitmodules', 'gi7eba');
}

/** A tree found in a tree body as written: mode text, name bytes, object id. */
export interface RawTreeEntry {
  mode: string;
  name: Buffer;
  oid: string;
}

/** Splits a tree body into raw entries; null when it cannot be parsed as a tree. */
export function rawTreeEntries(body: Buffer): RawTreeEntry[] | null {
  const out: RawTreeEntry[] = [];
  for (let pos = 0; pos < body.length; ) {
    const space = body.indexOf(0x20, pos);
    const nul = space < 0 ? -1 : body.indexOf(0, space + 1);
    // An empty name is a tree git cannot parse (its "empty filename in tree entry").
    if (space <= pos || nul < 0 || nul === space + 1 || nul + 21 > body.length) return null;
    const mode = body.toString('latin1', pos, space);
    if (!/^[0-7]+$/.test(mode)) return null;
    out.push({ mode, name: body.subarray(space + 1, nul), oid: body.toString('hex', nul + 1, nul + 21) });
    pos = nul + 21;
  }
  return out;
}

/**
 * The modes git writes. Others (`100664`, `100600`, ...) are `badFilemode` under `--strict` since
 * git 2.41 reads raw modes in fsck (older git canonicalised them first and let them pass).
 */
const STANDARD_MODES = new Set([0o100755, 0o100644, 0o120000, 0o40000, 0o160000]);

/**
 * Every problem `git fsck --strict` reports for a tree body (one per kind, in git's order), and
 * the ids of the blobs it names `.gitmodules` (their content is checked with `gitmodulesProblems`).
 */
export function fsckTree(body: Buffer): { problems: FsckProblem[]; gitmodules: string[] } {
  const entries = rawTreeEntries(body);
  if (!entries) return { problems: [{ id: 'badTree', message: 'cannot be parsed as a tree' }], gitmodules: [] };
  const found = new Map<FsckId, FsckProblem>();
  const report = (p: FsckProblem) => found.has(p.id) || found.set(p.id, p);
  const gitmodules: string[] = [];
  const names = new Set<string>();
  let previous: RawTreeEntry | null = null;
  for (const e of entries) {
    const nameProblem = entryNameProblem(e.name);
    if (nameProblem) report(nameProblem);
    if (e.mode.startsWith('0')) report({ id: 'zeroPaddedFilemode', message: 'contains zero-padded file modes' });
    const mode = parseInt(e.mode, 8);
    if (!STANDARD_MODES.has(mode)) report({ id: 'badFilemode', message: 'contains bad file modes' });
    if (isGitmodulesName(e.name)) {
      if (mode === 0o120000) report({ id: 'gitmodulesSymlink', message: '.gitmodules is a symbolic link' });
      else gitmodules.push(e.oid);
    }
    // A file "a" and a folder "a" are duplicates too, and need not be neighbours ("a", "a.b", "a/").
    const key = e.name.toString('latin1');
    if (names.has(key)) report({ id: 'duplicateEntries', message: 'contains duplicate file entries' });
    names.add(key);
    if (previous && compareRaw(previous, e) > 0) report({ id: 'treeNotSorted', message: 'not properly sorted' });
    previous = e;
  }
  const order: FsckId[] = ['fullPathname', 'emptyName', 'hasDot', 'hasDotdot', 'hasDotgit', 'zeroPaddedFilemode', 'badFilemode', 'duplicateEntries', 'treeNotSorted', 'gitmodulesSymlink'];
  return { problems: order.filter((id) => found.has(id)).map((id) => found.get(id)!), gitmodules };
}

/** git's tree order on raw names: a folder sorts as if its name ended with "/". */
function compareRaw(a: RawTreeEntry, b: RawTreeEntry): number {
  const key = (e: RawTreeEntry) => (parseInt(e.mode, 8) === 0o40000 ? Buffer.concat([e.name, Buffer.from('/')]) : e.name);
  return Buffer.compare(key(a), key(b));
}

/**
 * What git refuses in a `.gitmodules` blob: submodule names that escape `.git/modules`, and
 * url/path values a `git clone --recurse-submodules` would pass on as command-line options,
 * and `update = !command`.
 */
export function gitmodulesProblems(body: Buffer): FsckProblem[] {
  const entries = parseGitConfig(body.toString('utf8'));
  if (!entries) return []; // git reports an unparsable .gitmodules at info level only
  const out = new Map<string, FsckProblem>();
  const report = (p: FsckProblem) => out.set(`${p.id}:${p.message}`, p);
  for (const { section, subsection, key, value } of entries) {
    if (section !== 'submodule' || subsection === null) continue;
    if (!isValidSubmoduleName(subsection)) report({ id: 'gitmodulesName', message: `disallowed submodule name: ${subsection}` });
    if (value === null) continue;
    if (key === 'url' && !isValidSubmoduleUrl(value)) report({ id: 'gitmodulesUrl', message: `disallowed submodule url: ${value}` });
    if (key === 'path' && value.startsWith('-')) report({ id: 'gitmodulesPath', message: `disallowed submodule path: ${value}` });
    if (key === 'update' && value.startsWith('!')) report({ id: 'gitmodulesUpdate', message: `disallowed submodule update setting: ${value}` });
  }
  return [...out.values()];
}

/** submodule.c `check_submodule_name`: not empty, no ".." path component. */
function isValidSubmoduleName(name: string): boolean {
  if (name === '') return false;
  return !name.split(/[/\\]/).some((part) => part === '..');
}

/** submodule-config.c `check_submodule_url`, its main rules: never option-like, no newline once percent-decoded. */
function isValidSubmoduleUrl(url: string): boolean {
  if (url.startsWith('-')) return false;
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // Not percent-encoded text: checked as it is.
  }
  if (/[\r\n]/.test(decoded)) return false;
  return true;
}

interface ConfigEntry {
  section: string;
  subsection: string | null;
  key: string;
  value: string | null;
}

/** A small reader for git's config syntax (what `.gitmodules` uses); null when it is not valid. */
export function parseGitConfig(text: string): ConfigEntry[] | null {
  const out: ConfigEntry[] = [];
  let section: string | null = null;
  let subsection: string | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const m = line.match(/^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\\n]|\\.)*)")?\s*\](.*)$/);
      if (!m || !/^\s*([#;].*)?$/.test(m[3])) return null;
      const dotted = m[1].toLowerCase();
      if (m[2] !== undefined) {
        section = dotted;
        subsection = m[2].replace(/\\(.)/g, '$1');
      } else {
        // `[section.sub]`: the old, case-insensitive spelling of a subsection.
        const dot = dotted.indexOf('.');
        section = dot < 0 ? dotted : dotted.slice(0, dot);
        subsection = dot < 0 ? null : dotted.slice(dot + 1);
      }
      continue;
    }
    if (section === null) return null;
    const m = line.match(/^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/);
    if (!m) return null;
    out.push({ section, subsection, key: m[1].toLowerCase(), value: m[2] === undefined ? null : configValue(m[2]) });
  }
  return out;
}

/** A config value: quotes removed, escapes resolved, a trailing comment dropped, outer space trimmed. */
function configValue(raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && i + 1 < raw.length) {
      const n = raw[++i];
      out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'b' ? '\b' : n;
    } else if (!quoted && (c === '#' || c === ';')) break;
    else out += c;
  }
  return quoted ? out : out.trim();
}

// --- the spellings of ".git" -----------------------------------------------------------------

/** Code points HFS+ ignores in names (utf8.c `next_hfs_char`). */
const HFS_IGNORED = new Set([0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, 0xfeff]);

/**
 * The code points of a name with the HFS-ignored ones skipped; decoding stops (as git's does)
 * at the first byte sequence that is not UTF-8, which then ends the comparison.
 */
function* hfsChars(name: Buffer): Generator<number> {
  for (let i = 0; i < name.length; ) {
    const b = name[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > name.length) return;
    let cp = len === 1 ? b : b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = name[i + k];
      if ((c & 0xc0) !== 0x80) return;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return;
    i += len;
    if (!HFS_IGNORED.has(cp)) yield cp;
  }
}

/** utf8.c `is_hfs_dot_generic`: "." + needle, case-insensitively, ignoring HFS-ignored code points. */
function isHfsDot(name: Buffer, needle: string): boolean {
  // The HFS-ignored code points are all multi-byte: a name starting with another ASCII byte than
  // "." cannot match (nearly every name; decoding each one costed a push of a wide tree dearly).
  if (name.length === 0 || (name[0] < 0x80 && name[0] !== DOT)) return false;
  const chars = [...hfsChars(name)];
  // A name that stops decoding early ends where it stops, as in git.
  if (chars.length !== needle.length + 1 || chars[0] !== DOT) return false;
  for (let i = 0; i < needle.length; i++) {
    const c = chars[i + 1];
    if (c > 127 || String.fromCharCode(c).toLowerCase() !== needle[i]) return false;
  }
  return true;
}

/** path.c `is_ntfs_dotgit`: ".git" or "git~1", any case, then only spaces and dots (or an NTFS stream ":"). */
function isNtfsDotgit(name: Buffer): boolean {
  const s = name.toString('latin1');
  const lower = s.toLowerCase();
  let rest: string;
  if (lower.startsWith('.git')) rest = s.slice(4);
  else if (lower.startsWith('git~1')) rest = s.slice(5);
  else return false;
  return onlySpacesAndDots(rest);
}

/** path.c `is_ntfs_dot_generic`: the long spelling, the 8.3 short name `xxxxxx~1..4`, or the hashed fall-back short name. */
function isNtfsDotGeneric(name: Buffer, dotName: string, shortPrefix: string): boolean {
  const s = name.toString('latin1');
  const lower = s.toLowerCase();
  if (lower.startsWith(`.${dotName}`)) return onlySpacesAndDots(s.slice(dotName.length + 1));
  if (lower.startsWith(dotName.slice(0, 6)) && s[6] === '~' && s[7] >= '1' && s[7] <= '4') return onlySpacesAndDots(s.slice(8));
  let sawTilde = false;
  let i = 0;
  for (; i < 8; i++) {
    if (i >= s.length) return false;
    const c = s[i];
    if (sawTilde) {
      if (c < '0' || c > '9') return false;
    } else if (c === '~') {
      i++;
      if (i >= s.length || s[i] < '1' || s[i] > '9') return false;
      sawTilde = true;
    } else if (i >= 6 || s.charCodeAt(i) >= 0x80 || c.toLowerCase() !== shortPrefix[i]) return false;
  }
  return onlySpacesAndDots(s.slice(i));
}

function onlySpacesAndDots(rest: string): boolean {
  for (const c of rest) {
    if (c === ':' || c === '/' || c === '\\') return true;
    if (c !== ' ' && c !== '.') return false;
  }
  return true;
}
