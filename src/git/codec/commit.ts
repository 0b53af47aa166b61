import type { Oid } from './object-types';

/** A person and a moment, as in `author Name <email> 1700000000 +0000`. */
export interface Signature {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** `+HHMM` or `-HHMM`. */
  timezone: string;
}

export interface CommitFields {
  tree: Oid;
  parents: Oid[];
  author: Signature;
  committer: Signature;
  message: string;
}

export interface TagFields {
  object: Oid;
  type: 'commit' | 'tree' | 'blob' | 'tag';
  tag: string;
  tagger: Signature | null;
  message: string;
}

export function formatSignature(s: Signature): string {
  // Angle brackets and newlines would break the header line; git strips them too.
  const clean = (v: string) => v.replace(/[<>\n]/g, '').trim();
  return `${clean(s.name)} <${clean(s.email)}> ${s.timestamp} ${s.timezone}`;
}

export function parseSignature(line: string): Signature {
  const m = line.match(/^(.*) <(.*)> (-?\d+) ([+-]\d{4})$/);
  if (!m) throw new Error(`malformed signature: ${line}`);
  return { name: m[1], email: m[2], timestamp: Number(m[3]), timezone: m[4] };
}

export function encodeCommit(c: CommitFields): Buffer {
  const lines = [`tree ${c.tree}`, ...c.parents.map((p) => `parent ${p}`), `author ${formatSignature(c.author)}`, `committer ${formatSignature(c.committer)}`];
  return Buffer.from(`${lines.join('\n')}\n\n${c.message}`, 'utf8');
}

export function decodeCommit(body: Buffer): CommitFields {
  const { headers, message } = splitHeaders(body.toString('utf8'));
  const one = (k: string) => {
    const v = headers.find(([key]) => key === k)?.[1];
    if (v === undefined) throw new Error(`commit without ${k}`);
    return v;
  };
  return {
    tree: one('tree'),
    parents: headers.filter(([k]) => k === 'parent').map(([, v]) => v),
    author: parseSignature(one('author')),
    committer: parseSignature(one('committer')),
    message,
  };
}

export function encodeTag(t: TagFields): Buffer {
  const lines = [`object ${t.object}`, `type ${t.type}`, `tag ${t.tag}`, ...(t.tagger ? [`tagger ${formatSignature(t.tagger)}`] : [])];
  return Buffer.from(`${lines.join('\n')}\n\n${t.message}`, 'utf8');
}

export function decodeTag(body: Buffer): TagFields {
  const { headers, message } = splitHeaders(body.toString('utf8'));
  const get = (k: string) => headers.find(([key]) => key === k)?.[1];
  const object = get('object');
  const type = get('type') as TagFields['type'] | undefined;
  const tag = get('tag');
  if (!object || !type || tag === undefined) throw new Error('malformed tag object');
  const tagger = get('tagger');
  return { object, type, tag, tagger: tagger ? parseSignature(tagger) : null, message };
}

/** Header lines up to the first blank line; continuation lines (gpgsig) start with a space. */
function splitHeaders(text: string): { headers: [string, string][]; message: string } {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const message = end < 0 ? '' : text.slice(end + 2);
  const headers: [string, string][] = [];
  for (const line of head.split('\n')) {
    if (line.startsWith(' ') && headers.length) {
      headers[headers.length - 1][1] += `\n${line.slice(1)}`;
      continue;
    }
    const space = line.indexOf(' ');
    headers.push(space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)]);
  }
  return { headers, message };
}
