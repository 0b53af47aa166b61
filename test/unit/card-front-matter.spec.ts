import { parseFrontMatter } from '../../src/repos/card-front-matter';
import { readmeFrontMatter } from '../../src/repos/card-data';
import { validateCardContent } from '../../src/repos/card-validation';

const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`)].join('\n');

describe('README front matter', () => {
  it('reads a card that reuses one anchor 150 times', () => {
    const card = `---\na: &a x\nb:\n${'- *a\n'.repeat(150)}---\n`;
    expect(readmeFrontMatter(card)).toEqual({ data: { a: 'x', b: Array(150).fill('x') }, problem: null });
  });

  it('never throws on an alias bomb: no card data, a problem to log, a validation error', () => {
    const card = `---\n${bomb}\n---\n# x\n`;
    expect(() => parseFrontMatter(card)).not.toThrow();
    const read = readmeFrontMatter(card);
    expect(read.data).toBeNull();
    expect(read.problem).toMatch(/alias/i);
    expect(validateCardContent(card).errors.join()).toMatch(/alias/i);
  });

  it('does not read a metadata block past its size bound', () => {
    const card = `---\nbig: "${'x'.repeat(300 * 1024)}"\n---\n`;
    expect(readmeFrontMatter(card)).toEqual({ data: null, problem: expect.stringMatching(/larger than/) });
  });

  it('tells absent, unclosed and invalid blocks apart', () => {
    expect(parseFrontMatter('# no card')).toEqual({ kind: 'absent' });
    expect(parseFrontMatter('---\na: 1\n')).toEqual({ kind: 'unclosed' });
    expect(parseFrontMatter('---\na: [\n---\n').kind).toBe('invalid');
  });
});
