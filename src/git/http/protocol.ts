import { FLUSH, pktLine, pktText, type Packet } from '../codec/pktline';
import { OID_PATTERN, ZERO_OID, type Oid } from '../codec/object-types';

/**
 * The wire formats of git's smart HTTP protocol (gitprotocol-http, -pack, -v2, -capabilities):
 * pure parsing and formatting, no I/O. See ../shared/notes/git-protocol.md §1.
 */

export type GitService = 'git-upload-pack' | 'git-receive-pack';

export const isGitService = (s: unknown): s is GitService => s === 'git-upload-pack' || s === 'git-receive-pack';

/** A malformed request: answered 400 (or `ERR` inside the protocol). Nothing has changed. */
export class GitProtocolError extends Error {
  override readonly name = 'GitProtocolError';
}

/** A ref as advertised: its own value (the tag object for annotated tags) and, for those, the peeled commit. */
export interface AdvertisedRef {
  name: string;
  oid: Oid;
  peeled?: Oid;
}

/** Git's ref order: plain byte order of the names (C locale). */
export function sortRefs<T extends { name: string }>(refs: readonly T[]): T[] {
  return [...refs].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
}

export function uploadPackCapabilities(agent: string, symref: string | null): string[] {
  return [
    'multi_ack_detailed',
    'no-done',
    'side-band-64k',
    'shallow',
    'deepen-since',
    'deepen-not',
    'deepen-relative',
    'filter',
    // A partial clone fetches what its filter left out by id (v2 always allows it): any object
    // of the repository may be wanted, as resolveWants serves.
    'allow-reachable-sha1-in-want',
    'no-progress',
    'include-tag',
    'ofs-delta',
    ...(symref ? [`symref=HEAD:${symref}`] : []),
    'object-format=sha1',
    `agent=${agent}`,
  ];
}

export function receivePackCapabilities(agent: string): string[] {
  return ['report-status', 'delete-refs', 'side-band-64k', 'quiet', 'atomic', 'ofs-delta', 'object-format=sha1', `agent=${agent}`];
}

/**
 * The v0 advertisement of `GET info/refs?service=...` (§1.3): the `# service=` header and a
 * flush, then HEAD (upload-pack only, when it resolves) and the refs in byte order with the
 * capabilities after a NUL on the first line, peeled lines for annotated tags (upload-pack
 * only), and a flush. An empty repository: upload-pack sends no ref line at all, receive-pack a
 * `capabilities^{}` line.
 */
export function advertiseRefsV0(service: GitService, refs: readonly AdvertisedRef[], head: AdvertisedRef | null, capabilities: string[]): Buffer[] {
  const out: Buffer[] = [pktLine(`# service=${service}`), FLUSH];
  const lines: string[] = [];
  if (service === 'git-upload-pack') {
    if (head) lines.push(`${head.oid} HEAD`);
    for (const r of sortRefs(refs)) {
      lines.push(`${r.oid} ${r.name}`);
      if (r.peeled && r.peeled !== r.oid) lines.push(`${r.peeled} ${r.name}^{}`);
    }
  } else {
    for (const r of sortRefs(refs)) lines.push(`${r.oid} ${r.name}`);
    if (lines.length === 0) lines.push(`${ZERO_OID} capabilities^{}`);
  }
  lines.forEach((line, i) => out.push(i === 0 ? pktLine(`${line}\0${capabilities.join(' ')}`) : pktLine(line)));
  out.push(FLUSH);
  return out;
}

/** The v2 capability advertisement (§1.4): what Hangar's upload-pack implements. */
export function capabilityAdvertisementV2(agent: string): Buffer[] {
  return [pktLine('version 2'), pktLine(`agent=${agent}`), pktLine('ls-refs=unborn'), pktLine('fetch=shallow filter'), pktLine('object-format=sha1'), FLUSH];
}

/** Whether a `Git-Protocol` header asks for version 2 (`version=2`, possibly among other `:`-separated keys). */
export function wantsProtocolV2(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(':') : (header ?? '');
  return value.split(':').some((kv) => kv.trim() === 'version=2');
}

function parseOid(value: string, what: string): Oid {
  const oid = value.toLowerCase();
  if (!OID_PATTERN.test(oid)) throw new GitProtocolError(`expected an object id in ${what}, got ${JSON.stringify(value.slice(0, 60))}`);
  return oid;
}

function textOf(p: Packet, where: string): string {
  if (p.type !== 'data') throw new GitProtocolError(`unexpected ${p.type} packet in ${where}`);
  return pktText(p);
}

/** Parses `deepen <n>`; git allows 1 … 2^31-1. */
function parseDepth(value: string): number {
  const n = Number(value);
  if (!/^\d{1,10}$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 0x7fffffff) throw new GitProtocolError(`invalid deepen depth ${JSON.stringify(value)}`);
  return n;
}

/** Parses `deepen-since <seconds since the epoch>`. */
function parseSince(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new GitProtocolError(`invalid deepen-since ${JSON.stringify(value.slice(0, 40))}`);
  return Number(value);
}

/** Parses `deepen-not <ref>`: a ref name, resolved later as git's rev-parse would. */
function parseDeepenNot(value: string): string {
  if (value.length === 0 || value.length > 1024) throw new GitProtocolError('invalid deepen-not');
  return value;
}

/** What a fetch asks for, common to v0 and v2. */
export interface FetchArguments {
  wants: Oid[];
  haves: Oid[];
  /** The client's current shallow boundary. */
  shallows: Oid[];
  /** `deepen <n>`; 0 when absent. */
  depth: number;
  /** `deepen-relative`: the depth counts from the client's shallow boundary, not from the wants. */
  deepenRelative: boolean;
  /** `deepen-since <seconds>`; null when absent. */
  deepenSince: number | null;
  /** `deepen-not <ref>` (repeatable): the refs whose history the client does not want. */
  deepenNot: string[];
  /** `filter <spec>`: a partial clone's object filter, as sent (parsed by parseObjectFilter). */
  filter: string | null;
  /** Options Hangar does not implement (`want-ref`, `packfile-uris`, `sideband-all`), by name. */
  unsupported: string[];
  done: boolean;
}

function noFetchArguments(): FetchArguments {
  return { wants: [], haves: [], shallows: [], depth: 0, deepenRelative: false, deepenSince: null, deepenNot: [], filter: null, unsupported: [], done: false };
}

/** v0 upload-pack request (§1.5): the want section, then haves ending with a flush, `done`, or the end of the body. */
export interface UploadRequestV0 extends FetchArguments {
  capabilities: Set<string>;
  /** How the have section ended: a flush (a negotiation round), `done`, or the body ended (the first POST of a deepen). */
  end: 'flush' | 'done' | 'eof';
}

export function parseUploadRequestV0(packets: readonly Packet[]): UploadRequestV0 {
  const req: UploadRequestV0 = { ...noFetchArguments(), capabilities: new Set(), end: 'eof' };
  let i = 0;
  let sawFlush = false;
  for (; i < packets.length; i++) {
    const p = packets[i];
    if (p.type === 'flush') {
      sawFlush = true;
      i++;
      break;
    }
    const line = textOf(p, 'the want section');
    if (line.startsWith('want ')) {
      const rest = line.slice(5);
      const first = req.wants.length === 0;
      const [hex, ...caps] = rest.split(/[ \0]/);
      req.wants.push(parseOid(hex, 'want'));
      if (first) for (const c of caps) if (c) req.capabilities.add(c);
    } else if (line.startsWith('shallow ')) req.shallows.push(parseOid(line.slice(8), 'shallow'));
    else if (line.startsWith('deepen ')) req.depth = parseDepth(line.slice(7));
    else if (line.startsWith('deepen-since ')) req.deepenSince = parseSince(line.slice(13));
    else if (line.startsWith('deepen-not ')) req.deepenNot.push(parseDeepenNot(line.slice(11)));
    else if (line.startsWith('filter ')) req.filter = line.slice(7);
    else throw new GitProtocolError(`unexpected line in the want section: ${JSON.stringify(line.slice(0, 80))}`);
  }
  // v0 asks for deepen-relative as a capability of the first want, not as a line of its own.
  req.deepenRelative = req.capabilities.has('deepen-relative');
  if (!sawFlush) {
    if (req.wants.length === 0 && packets.length === 0) return req;
    throw new GitProtocolError('the want section does not end with a flush');
  }
  for (; i < packets.length; i++) {
    const p = packets[i];
    if (p.type === 'flush') {
      req.end = 'flush';
      return req;
    }
    const line = textOf(p, 'the have section');
    if (line.startsWith('have ')) req.haves.push(parseOid(line.slice(5), 'have'));
    else if (line === 'done') {
      req.done = true;
      req.end = 'done';
      return req;
    } else throw new GitProtocolError(`expected have or done, got ${JSON.stringify(line.slice(0, 80))}`);
  }
  req.end = 'eof';
  return req;
}

/** A v2 command request: `command=<x>`, capability lines, delim, arguments, flush (§1.4). */
export interface CommandRequest {
  command: string;
  capabilities: string[];
  args: string[];
}

export function parseCommandRequest(packets: readonly Packet[]): CommandRequest | null {
  if (packets.length === 0) return null;
  const first = textOf(packets[0], 'a v2 request');
  if (!first.startsWith('command=')) throw new GitProtocolError(`expected command=<name>, got ${JSON.stringify(first.slice(0, 80))}`);
  const req: CommandRequest = { command: first.slice(8), capabilities: [], args: [] };
  let i = 1;
  for (; i < packets.length; i++) {
    const p = packets[i];
    if (p.type === 'delim') {
      i++;
      break;
    }
    if (p.type === 'flush') return req;
    req.capabilities.push(textOf(p, 'the capability list'));
  }
  for (; i < packets.length; i++) {
    const p = packets[i];
    if (p.type === 'flush') return req;
    req.args.push(textOf(p, 'the argument list'));
  }
  throw new GitProtocolError('a v2 request must end with a flush');
}

/** Arguments of v2 `ls-refs`. */
export interface LsRefsArguments {
  peel: boolean;
  symrefs: boolean;
  unborn: boolean;
  prefixes: string[];
}

export function parseLsRefsArguments(args: readonly string[]): LsRefsArguments {
  const out: LsRefsArguments = { peel: false, symrefs: false, unborn: false, prefixes: [] };
  for (const a of args) {
    if (a === 'peel') out.peel = true;
    else if (a === 'symrefs') out.symrefs = true;
    else if (a === 'unborn') out.unborn = true;
    else if (a.startsWith('ref-prefix ')) out.prefixes.push(a.slice(11));
    else throw new GitProtocolError(`unexpected ls-refs argument ${JSON.stringify(a.slice(0, 80))}`);
  }
  return out;
}

/** Arguments of v2 `fetch`. */
export interface FetchArgumentsV2 extends FetchArguments {
  includeTag: boolean;
  /** The client reads OFS_DELTA entries (else deltas go as REF_DELTA). */
  ofsDelta: boolean;
}

const IGNORED_FETCH_ARGS = new Set(['thin-pack', 'no-progress', 'wait-for-done']);

export function parseFetchArguments(args: readonly string[]): FetchArgumentsV2 {
  const out: FetchArgumentsV2 = { ...noFetchArguments(), includeTag: false, ofsDelta: false };
  for (const a of args) {
    if (a.startsWith('want ')) out.wants.push(parseOid(a.slice(5), 'want'));
    else if (a.startsWith('have ')) out.haves.push(parseOid(a.slice(5), 'have'));
    else if (a.startsWith('shallow ')) out.shallows.push(parseOid(a.slice(8), 'shallow'));
    else if (a.startsWith('deepen ')) out.depth = parseDepth(a.slice(7));
    else if (a === 'deepen-relative') out.deepenRelative = true;
    else if (a.startsWith('deepen-since ')) out.deepenSince = parseSince(a.slice(13));
    else if (a.startsWith('deepen-not ')) out.deepenNot.push(parseDeepenNot(a.slice(11)));
    else if (a === 'done') out.done = true;
    else if (a === 'include-tag') out.includeTag = true;
    else if (a === 'ofs-delta') out.ofsDelta = true;
    else if (IGNORED_FETCH_ARGS.has(a)) continue;
    else if (a.startsWith('filter ')) out.filter = a.slice(7);
    else if (/^(want-ref|packfile-uris) /.test(a) || a === 'sideband-all') out.unsupported.push(a.split(' ')[0]);
    else throw new GitProtocolError(`unexpected fetch argument ${JSON.stringify(a.slice(0, 80))}`);
  }
  return out;
}

/** One `<old> <new> <ref>` command of a push. */
export interface RefCommand {
  old: Oid;
  new: Oid;
  ref: string;
}

export interface ReceiveRequest {
  commands: RefCommand[];
  capabilities: Set<string>;
  /** `shallow <oid>` lines a shallow client sends before its commands. */
  shallows: Oid[];
}

/** The command section of a receive-pack request (§1.8), up to (not including) the flush. */
export function parseReceiveCommands(packets: readonly Packet[]): ReceiveRequest {
  const out: ReceiveRequest = { commands: [], capabilities: new Set(), shallows: [] };
  for (const p of packets) {
    const raw = textOf(p, 'the command list');
    if (raw.startsWith('shallow ') && out.commands.length === 0) {
      out.shallows.push(parseOid(raw.slice(8), 'shallow'));
      continue;
    }
    const nul = raw.indexOf('\0');
    const line = nul < 0 ? raw : raw.slice(0, nul);
    if (nul >= 0 && out.commands.length === 0) for (const c of raw.slice(nul + 1).split(' ')) if (c) out.capabilities.add(c);
    const m = line.match(/^([0-9a-fA-F]{40}) ([0-9a-fA-F]{40}) (\S.*)$/);
    if (!m) throw new GitProtocolError(`malformed command ${JSON.stringify(line.slice(0, 120))}`);
    out.commands.push({ old: m[1].toLowerCase(), new: m[2].toLowerCase(), ref: m[3] });
  }
  return out;
}

/** The report-status packets (§1.8): `unpack <status>`, one `ok <ref>`/`ng <ref> <reason>` per command, flush. */
export function reportStatus(unpack: string, results: readonly { ref: string; error: string | null }[]): Buffer {
  const lines = [pktLine(`unpack ${unpack}`), ...results.map((r) => pktLine(r.error === null ? `ok ${r.ref}` : `ng ${r.ref} ${oneLine(r.error)}`)), FLUSH];
  return Buffer.concat(lines);
}

const oneLine = (s: string) => s.replace(/[\r\n\0]+/g, ' ').slice(0, 900);
