import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { entryNameProblem, fsckTree, gitmodulesProblems, isGitmodulesName } from '../../src/git/codec/fsck';
import { hashObject } from '../../src/git/codec/hash';
import { decodeTree, encodeTree } from '../../src/git/codec/tree';
import { GIT_CLI_ENV } from '../support/git-cli';

/**
 * git's fsck rules for trees and `.gitmodules`, byte for byte against `git fsck --strict` (the
 * check `receive.fsckObjects=true` makes) on the same objects.
 */

const BLOB = hashObject('blob', Buffer.from('x'));
const entry = (mode: string, name: string | Buffer, oid = BLOB) =>
  Buffer.concat([Buffer.from(`${mode} `), typeof name === 'string' ? Buffer.from(name, 'utf8') : name, Buffer.from([0]), Buffer.from(oid, 'hex')]);
const tree = (...entries: Buffer[]) => Buffer.concat(entries);

const cases: [string, Buffer][] = [
  ['clean', tree(entry('100644', 'a'), entry('40000', 'b'), entry('100755', 'c'), entry('120000', 'd'), entry('160000', 'e'))],
  ['.git lower', tree(entry('100644', '.git'))],
  ['.GIT upper', tree(entry('40000', '.GIT'))],
  ['.Git mixed', tree(entry('100644', '.Git'))],
  ['HFS ignorable inside .git', tree(entry('100644', '.g\u200cit'))],
  ['HFS BOM after .git', tree(entry('100644', '.git\ufeff'))],
  ['NTFS git~1', tree(entry('100644', 'GIT~1'))],
  ['NTFS trailing dots and spaces', tree(entry('100644', '.git. .'))],
  ['NTFS stream', tree(entry('100644', '.git::$INDEX_ALLOCATION'))],
  ['not .git: .gitignore', tree(entry('100644', '.gitattributes'), entry('100644', '.gitignore'))],
  ['not .git: git~2', tree(entry('100644', 'git~2'))],
  ['dot', tree(entry('100644', '.'))],
  ['dotdot', tree(entry('40000', '..'))],
  ['full pathname', tree(entry('100644', 'a/b'))],
  ['empty name', tree(entry('100644', ''))],
  ['duplicate entries', tree(entry('100644', 'a'), entry('100644', 'a'))],
  ['file and folder of one name', tree(entry('100644', 'a'), entry('100644', 'a.b'), entry('40000', 'a'))],
  ['not sorted', tree(entry('100644', 'b'), entry('100644', 'a'))],
  ['folder sorts with a slash', tree(entry('100644', 'a.b'), entry('40000', 'a'))],
  ['zero-padded mode', tree(entry('040000', 'a'))],
  ['.gitmodules symlink', tree(entry('120000', '.gitmodules'))],
  ['not UTF-8 names', tree(entry('100644', Buffer.from([0x61, 0xff])), entry('100644', Buffer.from([0x61, 0xfe])))],
];

function gitFsck(objects: { type: string; body: Buffer }[]): Map<string, Set<string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hangar-fsck-'));
  const env = { ...process.env, ...GIT_CLI_ENV };
  try {
    execFileSync('git', ['init', '-q', dir], { env });
    for (const o of objects) execFileSync('git', ['hash-object', '-t', o.type, '--literally', '-w', '--stdin'], { cwd: dir, input: o.body, env });
    let out = '';
    try {
      execFileSync('git', ['fsck', '--strict', '--no-dangling'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      out = String((err as { stderr: Buffer }).stderr) + String((err as { stdout: Buffer }).stdout);
    }
    const found = new Map<string, Set<string>>();
    for (const m of out.matchAll(/error in (?:tree|blob) ([0-9a-f]{40}): (\w+):/g)) {
      if (!found.has(m[1])) found.set(m[1], new Set());
      found.get(m[1])!.add(m[2]);
    }
    return found;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('git fsck rules (codec/fsck)', () => {
  it('reports what git fsck --strict reports for each tree', () => {
    const git = gitFsck([{ type: 'blob', body: Buffer.from('x') }, ...cases.map(([, body]) => ({ type: 'tree', body }))]);
    const ours = Object.fromEntries(cases.map(([label, body]) => [label, fsckTree(body).problems.map((p) => p.id).sort()]));
    const theirs = Object.fromEntries(cases.map(([label, body]) => [label, [...(git.get(hashObject('tree', body)) ?? [])].sort()]));
    expect(ours).toEqual(theirs);
    // The table covers every rule (so the comparison above cannot pass with nothing found).
    expect(new Set(Object.values(ours).flat())).toEqual(
      new Set(['hasDotgit', 'hasDot', 'hasDotdot', 'fullPathname', 'badTree', 'duplicateEntries', 'treeNotSorted', 'zeroPaddedFilemode', 'gitmodulesSymlink']),
    );
  });

  it('refuses modes git does not write (badFilemode: git 2.41+ reads raw modes; 2.39 here canonicalises them)', () => {
    for (const mode of ['100664', '100600', '100777', '160644']) expect(fsckTree(tree(entry(mode, 'a'))).problems.map((p) => p.id)).toEqual(['badFilemode']);
  });

  it('checks .gitmodules content as git does', () => {
    const bad = [
      '[submodule "x"]\n\tpath = x\n\turl = --upload-pack=touch /tmp/pwned\n',
      '[submodule "x"]\n\tpath = -x\n\turl = https://example.com/x\n',
      '[submodule "../../hooks"]\n\tpath = x\n\turl = https://example.com/x\n',
      '[submodule "x"]\n\tpath = x\n\turl = "-quoted"\n',
    ];
    const good = '# modules\n[submodule "x"]\n\tpath = x\n\turl = https://example.com/x.git ; comment\n';
    const blobs = [...bad, good].map((t) => Buffer.from(t));
    // git checks a blob's content when a tree names it .gitmodules.
    const trees = blobs.map((b) => tree(entry('100644', '.gitmodules', hashObject('blob', b))));
    const git = gitFsck([...blobs.map((body) => ({ type: 'blob', body })), ...trees.map((body) => ({ type: 'tree', body }))]);
    const ours = blobs.map((b) => gitmodulesProblems(b).map((p) => p.id).sort());
    const theirs = blobs.map((b) => [...(git.get(hashObject('blob', b)) ?? [])].sort());
    expect(ours).toEqual(theirs);
    expect(ours.flat()).toEqual(expect.arrayContaining(['gitmodulesUrl', 'gitmodulesPath', 'gitmodulesName']));
    expect(ours[ours.length - 1]).toEqual([]);
  });

  it('finds .gitmodules under its HFS and NTFS spellings', () => {
    for (const name of ['.gitmodules', '.GITMODULES', '.gitmodules\u200d', '.gitmodules .', 'GITMOD~1', 'gi7eba~4']) expect(isGitmodulesName(Buffer.from(name))).toBe(true);
    for (const name of ['gitmodules', '.gitmodulesx', 'GITMOD~5x']) expect(isGitmodulesName(Buffer.from(name))).toBe(false);
  });

  it('names Hangar writes: the same rules', () => {
    expect(entryNameProblem(Buffer.from('.G\u200eIT'))?.id).toBe('hasDotgit');
    expect(entryNameProblem(Buffer.from('README.md'))).toBeNull();
    expect(() => encodeTree([{ mode: '100644', name: 'git~1', oid: BLOB }])).toThrow(/\.git/);
    expect(() => encodeTree([{ mode: '100644', name: '.git\u200c', oid: BLOB }])).toThrow(/\.git/);
  });

  it('keeps names that are not UTF-8 as written', () => {
    const body = tree(entry('100644', Buffer.from([0x61, 0xfe])), entry('100644', Buffer.from([0x61, 0xff])));
    const entries = decodeTree(body);
    expect(entries[0].name).toBe(entries[1].name); // both shown as "a\ufffd"
    expect(encodeTree(entries)).toEqual(body);
  });
});
