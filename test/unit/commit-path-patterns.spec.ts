import { matchesAny } from '../../src/commits/gitattributes';
import { GitIgnore } from '../../src/commits/gitignore';

describe('.gitignore as preupload reads it', () => {
  const g = new GitIgnore('# comment\n*.log\n!keep.log\nbuild/\n/root.txt\ndocs/**/*.tmp\n[ab].c\n\\#hash\ncache/\n!cache/x\n');
  it.each([
    ['a.log', true],
    ['deep/a.log', true],
    ['x/keep.log', false],
    ['build/a', true],
    ['x/build/y', true],
    ['build', false], // a file named build: `build/` matches directories only
    ['root.txt', true],
    ['x/root.txt', false],
    ['docs/a/b/c.tmp', true],
    ['docs/c.tmp', true],
    ['a.c', true],
    ['c.c', false],
    ['#hash', true],
    ['cache/x', true], // nothing inside an ignored directory comes back
    ['model.safetensors', false],
  ])('%s → ignored %s', (path, ignored) => expect(g.ignores(path)).toBe(ignored));

  it('an empty file ignores nothing', () => expect(new GitIgnore('').ignores('a.log')).toBe(false));
});

describe('.gitattributes LFS patterns', () => {
  it('match names at any depth, anchored paths from the root, ** across folders', () => {
    expect(matchesAny('x/model.safetensors', ['*.safetensors'])).toBe(true);
    expect(matchesAny('a/b.bin', ['a/*.bin'])).toBe(true);
    expect(matchesAny('c/a/b.bin', ['a/*.bin'])).toBe(false);
    expect(matchesAny('x/y/z.zip', ['**/*.zip'])).toBe(true);
    expect(matchesAny('saved_model/a/b', ['saved_model/**/*'])).toBe(true);
  });
});
