import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileDiff } from '../../src/discussions/unified-diff';

/** The pull-request diff's hunks are git's, line for line (`git diff --no-index` as the reference). */
describe('unified diff of a pull request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'udiff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function gitHunks(a: string, b: string): string {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    let out = '';
    try {
      out = execFileSync('git', ['diff', '--no-index', '--no-color', '--diff-algorithm=myers', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    } catch (err) {
      out = (err as { stdout: string }).stdout; // exit code 1: the files differ
    }
    // git appends a "function" heading to hunk headers; Hangar leaves it out.
    return out.slice(out.indexOf('@@')).replace(/^(@@ [^@]+ @@).*$/gm, '$1');
  }

  const ours = (a: string, b: string) => {
    const text = fileDiff({ path: 'f', oldOid: '1'.repeat(40), newOid: '2'.repeat(40), oldMode: '100644', newMode: '100644', oldText: a, newText: b });
    return text.slice(text.indexOf('@@'));
  };

  const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
  const cases: [string, string, string][] = [
    ['one changed line', 'one\ntwo\nthree\n', 'one\nTWO\nthree\n'],
    ['lines added at the end', 'a\nb\n', 'a\nb\nc\nd\n'],
    ['lines removed at the start', 'a\nb\nc\nd\n', 'c\nd\n'],
    ['two far-apart hunks', lines(40, (i) => `line ${i}`), lines(40, (i) => (i === 3 || i === 30 ? `changed ${i}` : `line ${i}`))],
    ['two close changes in one hunk', lines(20, (i) => `l${i}`), lines(20, (i) => (i === 5 || i === 10 ? `x${i}` : `l${i}`))],
    ['an empty file filled', '', 'first\nsecond\n'],
    ['scattered edits', lines(30, (i) => `${i % 7}`), lines(30, (i) => (i % 5 === 0 ? 'new' : `${i % 7}`))],
  ];

  it.each(cases)('%s', (_name, a, b) => {
    expect(ours(a, b)).toBe(gitHunks(a, b));
  });

  it('new, deleted and binary files get git headers', () => {
    expect(fileDiff({ path: 'n.txt', oldOid: null, newOid: 'a'.repeat(40), oldMode: null, newMode: '100644', oldText: null, newText: 'x\n' })).toBe(
      'diff --git a/n.txt b/n.txt\nnew file mode 100644\nindex 0000000..aaaaaaa\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+x\n',
    );
    expect(fileDiff({ path: 'd', oldOid: 'b'.repeat(40), newOid: null, oldMode: '100644', newMode: null, oldText: 'y\n', newText: null })).toContain('deleted file mode 100644\n');
    expect(fileDiff({ path: 'w.bin', oldOid: 'b'.repeat(40), newOid: 'c'.repeat(40), oldMode: '100644', newMode: '100644', oldText: null, newText: null })).toContain(
      'Binary files a/w.bin and b/w.bin differ\n',
    );
  });
});
