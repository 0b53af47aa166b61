import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import {
  type CommitFields,
  compareTreeEntries,
  decodeCommit,
  decodeTag,
  decodeTree,
  deflateBody,
  encodeCommit,
  encodeTag,
  encodeTree,
  formatSignature,
  type GitObjectType,
  hashObject,
  inflateBody,
  objectHeader,
  type Oid,
  PACK_TYPE,
  parseSignature,
  type Signature,
  type TagFields,
  type TreeEntry,
} from '../../src/git/codec';

/**
 * The codec checked byte for byte against the real git CLI, in a throwaway bare repository with
 * identities and dates fixed so every object id is deterministic.
 */

const AUTHOR: Signature = { name: 'A U Thor', email: 'author@example.com', timestamp: 1700000000, timezone: '+0100' };
const COMMITTER: Signature = { name: 'C O Mitter', email: 'committer@example.com', timestamp: 1700000100, timezone: '-0530' };

let repo: string;

function identityEnv(author: Signature, committer: Signature): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_AUTHOR_DATE: `${author.timestamp} ${author.timezone}`,
    GIT_COMMITTER_NAME: committer.name,
    GIT_COMMITTER_EMAIL: committer.email,
    GIT_COMMITTER_DATE: `${committer.timestamp} ${committer.timezone}`,
  };
}

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: repo,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_DIR: repo,
    ...identityEnv(AUTHOR, COMMITTER),
  };
}

/** Runs git in the bare repository; returns stdout as raw bytes and fails loudly on a non-zero exit. */
function gitRaw(args: string[], input?: Buffer | string, env: Record<string, string> = {}): Buffer {
  const r = spawnSync('git', args, { cwd: repo, input, env: { ...baseEnv(), ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

const git = (args: string[], input?: Buffer | string, env?: Record<string, string>): string =>
  gitRaw(args, input, env).toString('utf8').trim();

const writeBlob = (content: Buffer | string): Oid => git(['hash-object', '-t', 'blob', '-w', '--stdin'], content);

/** `git mktree` input: `<mode> <type> <oid>\t<name>`; directories go in as "040000", as ls-tree prints them. */
function mktree(entries: readonly TreeEntry[]): Oid {
  const type = (m: TreeEntry['mode']) => (m === '40000' ? 'tree' : m === '160000' ? 'commit' : 'blob');
  const lines = entries.map((e) => `${e.mode === '40000' ? '040000' : e.mode} ${type(e.mode)} ${e.oid}\t${e.name}\n`).join('');
  return git(['mktree'], lines);
}

function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

beforeAll(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'hangar-git-codec-'));
  const r = spawnSync('git', ['init', '-q', '--bare', repo], { env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  if (r.status !== 0) throw new Error(`git init failed: ${r.stderr?.toString()}`);
});

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('objectHeader', () => {
  it('is "<type> <size>\\0"', () => {
    expect(objectHeader('blob', 0)).toEqual(Buffer.from('blob 0\0', 'latin1'));
    expect(objectHeader('commit', 1234)).toEqual(Buffer.from('commit 1234\0', 'latin1'));
  });
});

describe('blobs', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('hello world\n')],
    ['text without trailing newline', Buffer.from('no newline')],
    ['CRLF text', Buffer.from('a\r\nb\r\n')],
    ['binary random bytes', randomBytes(4096)],
    ['all byte values incl. NUL', Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256))],
    ['1 MiB', randomBytes(1024 * 1024)],
    ['UTF-8', Buffer.from('héllo wörld — 日本語 🚀\n', 'utf8')],
  ];

  it('knows the well-known empty blob id', () => {
    expect(hashObject('blob', Buffer.alloc(0))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it.each(cases)('%s: hash-object agrees, and git stores/returns the same bytes', (_label, body) => {
    const oid = hashObject('blob', body);
    expect(oid).toMatch(/^[0-9a-f]{40}$/);
    expect(git(['hash-object', '-t', 'blob', '--stdin'], body)).toBe(oid);
    expect(writeBlob(body)).toBe(oid);
    expect(gitRaw(['cat-file', 'blob', oid]).equals(body)).toBe(true);
    // The loose object git wrote is zlib(header + body): the header we hash is git's header.
    const loose = inflateSync(readFileSync(path.join(repo, 'objects', oid.slice(0, 2), oid.slice(2))));
    expect(loose.equals(Buffer.concat([objectHeader('blob', body.length), body]))).toBe(true);
  });
});

describe('trees', () => {
  let file: Oid;
  let other: Oid;
  let script: Oid;
  let link: Oid;
  let subtree: Oid;

  beforeAll(() => {
    file = writeBlob('file\n');
    other = writeBlob('other\n');
    script = writeBlob('#!/bin/sh\necho hi\n');
    link = writeBlob('../target/path');
    subtree = mktree([{ mode: '100644', name: 'inner.txt', oid: file }]);
  });

  const expectSameAsGit = (entries: TreeEntry[]): Oid => {
    const body = encodeTree(entries);
    const oid = hashObject('tree', body);
    expect(mktree(entries)).toBe(oid);
    expect(gitRaw(['cat-file', 'tree', oid]).equals(body)).toBe(true);
    expect(git(['hash-object', '-t', 'tree', '--stdin'], body)).toBe(oid);
    return oid;
  };

  it('the empty tree is the well-known id', () => {
    expect(encodeTree([])).toEqual(Buffer.alloc(0));
    expect(expectSameAsGit([])).toBe('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
    expect(decodeTree(Buffer.alloc(0))).toEqual([]);
  });

  it('a directory "a" sorts as "a/": after "a-b" and "a.txt", before "a0"', () => {
    const entries: TreeEntry[] = [
      { mode: '40000', name: 'a', oid: subtree },
      { mode: '100644', name: 'a.txt', oid: file },
      { mode: '100644', name: 'a-b', oid: other },
      { mode: '100644', name: 'a0', oid: file },
      { mode: '100755', name: 'run.sh', oid: script },
      { mode: '120000', name: 'link', oid: link },
      { mode: '100644', name: 'é.txt', oid: file },
      { mode: '100644', name: 'with space.md', oid: other },
      { mode: '100644', name: 'Z-upper', oid: file },
      { mode: '100644', name: 'e.txt', oid: file },
    ];
    expectSameAsGit(entries);
    const names = decodeTree(encodeTree(entries)).map((e) => e.name);
    expect(names).toEqual(['Z-upper', 'a-b', 'a.txt', 'a', 'a0', 'e.txt', 'link', 'run.sh', 'with space.md', 'é.txt']);
    // And git lists them in that same order.
    const lsTree = git(['ls-tree', '-z', '--name-only', hashObject('tree', encodeTree(entries))]).split('\0').filter(Boolean);
    expect(lsTree).toEqual(names);
  });

  it('a file "a" sorts before "a-b", "a.txt" and "a0"', () => {
    const entries: TreeEntry[] = [
      { mode: '100644', name: 'a0', oid: file },
      { mode: '100644', name: 'a.txt', oid: file },
      { mode: '100644', name: 'a', oid: other },
      { mode: '100644', name: 'a-b', oid: file },
      { mode: '40000', name: 'ab', oid: subtree },
    ];
    expectSameAsGit(entries);
    expect(decodeTree(encodeTree(entries)).map((e) => e.name)).toEqual(['a', 'a-b', 'a.txt', 'a0', 'ab']);
  });

  it('directory-vs-file order with common prefixes, nested trees and a gitlink', () => {
    const nested = expectSameAsGit([
      { mode: '40000', name: 'foo', oid: subtree },
      { mode: '100644', name: 'foo.txt', oid: file },
      { mode: '100644', name: 'foo-bar', oid: file },
      { mode: '100644', name: 'foo0', oid: file },
      { mode: '100644', name: 'foo_', oid: file },
    ]);
    expectSameAsGit([
      { mode: '40000', name: 'nested', oid: nested },
      { mode: '40000', name: 'nested.d', oid: subtree },
      // A gitlink is not a directory for ordering purposes: "sub" sorts before "sub.txt".
      { mode: '160000', name: 'sub', oid: '1234567890123456789012345678901234567890' },
      { mode: '100644', name: 'sub.txt', oid: file },
      { mode: '100644', name: 'sub-x', oid: file },
    ]);
  });

  it('round-trips through decodeTree, including git\'s own bytes', () => {
    const entries: TreeEntry[] = [
      { mode: '40000', name: 'dir', oid: subtree },
      { mode: '100755', name: 'x', oid: script },
      { mode: '120000', name: 'l', oid: link },
      { mode: '100644', name: 'ünïcödé name.txt', oid: file },
      { mode: '160000', name: 'mod', oid: 'ffffffffffffffffffffffffffffffffffffffff' },
    ];
    const body = encodeTree(entries);
    const decoded = decodeTree(body);
    expect(decoded).toEqual([...entries].sort(compareTreeEntries));
    expect(encodeTree(decoded).equals(body)).toBe(true);
    const oid = mktree(entries);
    expect(decodeTree(gitRaw(['cat-file', 'tree', oid]))).toEqual(decoded);
  });

  it('reads the legacy "040000" directory mode as "40000"', () => {
    const legacy = Buffer.concat([Buffer.from('040000 d\0'), Buffer.from(subtree, 'hex')]);
    expect(decodeTree(legacy)).toEqual([{ mode: '40000', name: 'd', oid: subtree }]);
    expect(() => decodeTree(Buffer.concat([Buffer.from('100600 f\0'), Buffer.from(file, 'hex')]))).toThrow(/mode/);
  });

  it('rejects truncated tree bodies', () => {
    const body = encodeTree([{ mode: '100644', name: 'f', oid: file }]);
    expect(() => decodeTree(body.subarray(0, body.length - 1))).toThrow(/malformed/);
    expect(() => decodeTree(Buffer.from('100644 nonul'))).toThrow(/malformed/);
  });

  it('gives the same bytes whatever the input order', () => {
    const entries: TreeEntry[] = [
      { mode: '40000', name: 'a', oid: subtree },
      { mode: '100644', name: 'a.txt', oid: file },
      { mode: '100644', name: 'a-b', oid: file },
      { mode: '100644', name: 'a0', oid: file },
      { mode: '100644', name: 'b', oid: file },
      { mode: '40000', name: 'b.d', oid: subtree },
      { mode: '100644', name: 'é', oid: file },
      { mode: '100644', name: 'e', oid: file },
      { mode: '100755', name: 'Makefile', oid: script },
      { mode: '120000', name: 'sym', oid: link },
    ];
    const expected = encodeTree(entries);
    for (let seed = 1; seed <= 25; seed++) expect(encodeTree(shuffled(entries, seed)).equals(expected)).toBe(true);
    expect(encodeTree([...entries].reverse()).equals(expected)).toBe(true);
    expect(mktree(shuffled(entries, 99))).toBe(hashObject('tree', expected));
  });

  it('does not mutate its input', () => {
    const entries: TreeEntry[] = [
      { mode: '100644', name: 'b', oid: file },
      { mode: '100644', name: 'a', oid: file },
    ];
    encodeTree(entries);
    expect(entries.map((e) => e.name)).toEqual(['b', 'a']);
  });

  describe('duplicate names (git fsck: duplicateEntries)', () => {
    it('throws for two files with the same name', () => {
      expect(() =>
        encodeTree([
          { mode: '100644', name: 'x', oid: file },
          { mode: '100755', name: 'x', oid: script },
        ]),
      ).toThrow(/duplicate/);
    });

    it('throws for a file and a directory with the same name', () => {
      expect(() =>
        encodeTree([
          { mode: '100644', name: 'a', oid: file },
          { mode: '40000', name: 'a', oid: subtree },
        ]),
      ).toThrow(/duplicate/);
    });

    it('throws for a file and a directory with the same name even when other entries sort between them', () => {
      // File "a" sorts first, directory "a" sorts as "a/": "a-b" and "a.txt" land in between.
      const entries: TreeEntry[] = [
        { mode: '100644', name: 'a', oid: file },
        { mode: '100644', name: 'a-b', oid: file },
        { mode: '100644', name: 'a.txt', oid: file },
        { mode: '40000', name: 'a', oid: subtree },
      ];
      expect(() => encodeTree(entries)).toThrow(/duplicate/);
      // git mktree writes such a tree without complaint, but fsck flags it: it must never be produced.
      const bad = mktree(entries);
      const r = spawnSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: repo, env: baseEnv() });
      expect(r.stderr.toString() + r.stdout.toString()).toContain(bad);
    });
  });

  it.each([[''], ['a/b'], ['/'], ['a\0b']])('rejects the invalid name %p', (name) => {
    expect(() => encodeTree([{ mode: '100644', name, oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391' }])).toThrow(/invalid tree entry name/);
  });
});

describe('signatures', () => {
  it('formats as git writes them and parses back', () => {
    expect(formatSignature(AUTHOR)).toBe('A U Thor <author@example.com> 1700000000 +0100');
    expect(parseSignature(formatSignature(COMMITTER))).toEqual(COMMITTER);
    const odd: Signature = { name: 'Zoë <Ünïcode>', email: '<z@x.org>', timestamp: 0, timezone: '-1200' };
    expect(formatSignature(odd)).toBe('Zoë Ünïcode <z@x.org> 0 -1200');
    expect(parseSignature('Zoë Ünïcode <z@x.org> 0 -1200')).toEqual({ ...odd, name: 'Zoë Ünïcode', email: 'z@x.org' });
  });

  it('rejects malformed signature lines', () => {
    expect(() => parseSignature('nobody 1700000000 +0000')).toThrow(/malformed/);
    expect(() => parseSignature('A <a@x> 1700000000 0000')).toThrow(/malformed/);
    expect(() => parseSignature('A <a@x> soon +0000')).toThrow(/malformed/);
  });
});

describe('commits', () => {
  let tree: Oid;
  let tree2: Oid;

  beforeAll(() => {
    tree = mktree([{ mode: '100644', name: 'README.md', oid: writeBlob('# hi\n') }]);
    tree2 = mktree([{ mode: '100644', name: 'README.md', oid: writeBlob('# hi again\n') }]);
  });

  const commitTree = (args: string[], env?: Record<string, string>, input?: string): Oid => git(['commit-tree', ...args], input, env);

  const expectSameAsGit = (gitOid: Oid, fields: CommitFields): void => {
    const body = encodeCommit(fields);
    expect(hashObject('commit', body)).toBe(gitOid);
    const raw = gitRaw(['cat-file', 'commit', gitOid]);
    expect(raw.equals(body)).toBe(true);
    expect(decodeCommit(raw)).toEqual(fields);
    expect(encodeCommit(decodeCommit(raw)).equals(raw)).toBe(true);
  };

  let root: Oid;
  let second: Oid;

  it('a root commit (no parent); -m appends a newline to the message', () => {
    root = commitTree([tree, '-m', 'initial']);
    expectSameAsGit(root, { tree, parents: [], author: AUTHOR, committer: COMMITTER, message: 'initial\n' });
  });

  it('a commit with one parent, a body and unicode', () => {
    const message = 'Ajoute le modèle 🚀\n\nCorps du message — avec des accents: é à ü.\nSecond line.';
    second = commitTree([tree2, '-p', root, '-m', message]);
    expectSameAsGit(second, { tree: tree2, parents: [root], author: AUTHOR, committer: COMMITTER, message: `${message}\n` });
  });

  it('a merge with two parents, in order', () => {
    const merge = commitTree([tree, '-p', second, '-p', root, '-m', 'Merge']);
    expectSameAsGit(merge, { tree, parents: [second, root], author: AUTHOR, committer: COMMITTER, message: 'Merge\n' });
    const decoded = decodeCommit(gitRaw(['cat-file', 'commit', merge]));
    expect(decoded.parents).toEqual([second, root]);
  });

  it('an exact message from -F (no newline added) and unicode identities, other timezones', () => {
    const author: Signature = { name: 'Zoë Ünïcode', email: 'zoe@exämple.org', timestamp: 100000000, timezone: '-1200' };
    const committer: Signature = { name: '山田 太郎', email: 'taro@example.jp', timestamp: 2000000000, timezone: '+1400' };
    const message = 'no trailing newline — 終わり';
    const oid = commitTree([tree, '-p', root, '-F', '-'], identityEnv(author, committer), message);
    expectSameAsGit(oid, { tree, parents: [root], author, committer, message });
  });

  it('an empty message', () => {
    const oid = commitTree([tree, '-F', '-'], undefined, '');
    expectSameAsGit(oid, { tree, parents: [], author: AUTHOR, committer: COMMITTER, message: '' });
  });

  it('decodes a signed commit: the gpgsig continuation lines stay in the header', () => {
    const text =
      `tree ${tree}\nparent ${root}\nauthor ${formatSignature(AUTHOR)}\ncommitter ${formatSignature(COMMITTER)}\n` +
      'gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\nSigned message\n\nwith body\n';
    const oid = git(['hash-object', '-t', 'commit', '-w', '--stdin'], text);
    expect(hashObject('commit', Buffer.from(text))).toBe(oid);
    expect(decodeCommit(gitRaw(['cat-file', 'commit', oid]))).toEqual({
      tree,
      parents: [root],
      author: AUTHOR,
      committer: COMMITTER,
      message: 'Signed message\n\nwith body\n',
    });
  });

  it('refuses commits without tree/author/committer', () => {
    expect(() => decodeCommit(Buffer.from(`author ${formatSignature(AUTHOR)}\ncommitter ${formatSignature(COMMITTER)}\n\nm`))).toThrow(/tree/);
    expect(() => decodeCommit(Buffer.from(`tree ${tree}\ncommitter ${formatSignature(COMMITTER)}\n\nm`))).toThrow(/author/);
  });
});

describe('annotated tags', () => {
  let blob: Oid;
  let tree: Oid;
  let commit: Oid;

  beforeAll(() => {
    blob = writeBlob('tagged blob\n');
    tree = mktree([{ mode: '100644', name: 'f', oid: blob }]);
    commit = git(['commit-tree', tree, '-m', 'tagged']);
  });

  const expectSameAsGit = (fields: TagFields): Oid => {
    const body = encodeTag(fields);
    const oid = git(['mktag'], body);
    expect(hashObject('tag', body)).toBe(oid);
    const raw = gitRaw(['cat-file', 'tag', oid]);
    expect(raw.equals(body)).toBe(true);
    expect(decodeTag(raw)).toEqual(fields);
    expect(encodeTag(decodeTag(raw)).equals(raw)).toBe(true);
    return oid;
  };

  it('writes the header lines in the order git mktag requires', () => {
    const body = encodeTag({ object: commit, type: 'commit', tag: 'v1', tagger: AUTHOR, message: 'm\n' }).toString('utf8');
    expect(body).toBe(`object ${commit}\ntype commit\ntag v1\ntagger ${formatSignature(AUTHOR)}\n\nm\n`);
  });

  it('a tag of a commit, with a body and unicode', () => {
    expectSameAsGit({ object: commit, type: 'commit', tag: 'v1.0.0', tagger: COMMITTER, message: 'Release 1.0 🎉\n\nNotes: café, naïve.\n' });
  });

  it('tags of a tree and of a blob; a message without trailing newline', () => {
    expectSameAsGit({ object: tree, type: 'tree', tag: 'tree-tag', tagger: AUTHOR, message: 'a tree' });
    expectSameAsGit({ object: blob, type: 'blob', tag: 'blob-tag', tagger: { ...AUTHOR, name: 'Zoë', timezone: '-0000' }, message: 'a blob\n' });
  });

  it('a tag of a tag', () => {
    const inner = expectSameAsGit({ object: commit, type: 'commit', tag: 'inner', tagger: AUTHOR, message: 'inner\n' });
    expectSameAsGit({ object: inner, type: 'tag', tag: 'outer', tagger: COMMITTER, message: 'outer\n' });
  });

  it('git mktag refuses a tag without tagger; decodeTag still reads one (old git wrote them)', () => {
    const body = encodeTag({ object: commit, type: 'commit', tag: 'old', tagger: null, message: 'old\n' });
    expect(body.toString()).toBe(`object ${commit}\ntype commit\ntag old\n\nold\n`);
    expect(spawnSync('git', ['mktag'], { cwd: repo, input: body, env: baseEnv() }).status).not.toBe(0);
    expect(decodeTag(body)).toEqual({ object: commit, type: 'commit', tag: 'old', tagger: null, message: 'old\n' });
    expect(() => decodeTag(Buffer.from(`object ${commit}\ntag x\n\nm`))).toThrow(/malformed/);
  });
});

describe('deflateBody / inflateBody', () => {
  const bodies: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['text', Buffer.from('hello\n'.repeat(1000))],
    ['random', randomBytes(200_000)],
  ];

  it.each(bodies)('%s: a zlib stream of the body alone that inflates back', (_label, body) => {
    const stored = deflateBody(body);
    // zlib header: CM=8 (deflate), and (CMF*256 + FLG) % 31 === 0.
    expect(stored[0] & 0x0f).toBe(8);
    expect((stored[0] * 256 + stored[1]) % 31).toBe(0);
    expect(inflateSync(stored).equals(body)).toBe(true);
    expect(inflateBody(stored).equals(body)).toBe(true);
  });

  it('the stored bytes are valid pack entry data: git index-pack accepts a pack built from them', () => {
    const tagged = writeBlob('in the pack\n');
    const objects: [GitObjectType, Buffer][] = [
      ['blob', Buffer.from(`packed blob ${Date.now()}\n`)],
      ['blob', randomBytes(70_000)],
      ['tree', encodeTree([{ mode: '100644', name: 'f', oid: tagged }])],
      ['commit', encodeCommit({ tree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', parents: [], author: AUTHOR, committer: COMMITTER, message: `packed ${Date.now()}\n` })],
      ['tag', encodeTag({ object: tagged, type: 'blob', tag: 'packed', tagger: AUTHOR, message: 'in a pack\n' })],
    ];
    const header = Buffer.alloc(12);
    header.write('PACK', 0, 'latin1');
    header.writeUInt32BE(2, 4);
    header.writeUInt32BE(objects.length, 8);
    const parts: Buffer[] = [header];
    for (const [type, body] of objects) {
      // Entry header: type in bits 4-6 of the first byte, size as a little-endian base-128 varint.
      let size = body.length;
      const bytes = [(PACK_TYPE[type] << 4) | (size & 0x0f)];
      size >>>= 4;
      while (size > 0) {
        bytes[bytes.length - 1] |= 0x80;
        bytes.push(size & 0x7f);
        size >>>= 7;
      }
      parts.push(Buffer.from(bytes), deflateBody(body));
    }
    const pack = Buffer.concat(parts);
    const full = Buffer.concat([pack, createHash('sha1').update(pack).digest()]);
    git(['index-pack', '--stdin', '--strict'], full);
    for (const [type, body] of objects) {
      const oid = hashObject(type, body);
      expect(git(['cat-file', '-t', oid])).toBe(type);
      expect(gitRaw(['cat-file', type, oid]).equals(body)).toBe(true);
    }
  });
});
