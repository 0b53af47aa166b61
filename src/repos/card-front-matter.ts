import { parseDocument } from 'yaml';

/** Larger metadata blocks are not read: card data is a few KiB in practice. */
export const MAX_FRONT_MATTER_BYTES = 256 * 1024;
/**
 * Alias expansion allowed while turning the YAML into data (the `yaml` package's guard, counted
 * in expanded nodes; its default of 100 refuses plain cards that reuse one anchor 100 times). A
 * document past it (an alias bomb) is treated as invalid rather than expanded.
 */
const MAX_ALIAS_COUNT = 10_000;

export type FrontMatter =
  | { kind: 'absent' }
  | { kind: 'unclosed' }
  | { kind: 'invalid'; errors: string[] }
  | { kind: 'parsed'; data: unknown };

/**
 * The YAML front matter of a README (`---\n...\n---`), read within fixed bounds. Never throws:
 * whatever the text, the answer says what was found, so no request fails on a card.
 */
export function parseFrontMatter(content: string): FrontMatter {
  const m = content.match(/^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(\r?\n|$)/);
  if (!m) return content.trimStart().startsWith('---') ? { kind: 'unclosed' } : { kind: 'absent' };
  if (Buffer.byteLength(m[1]) > MAX_FRONT_MATTER_BYTES) return { kind: 'invalid', errors: [`The metadata block is larger than ${MAX_FRONT_MATTER_BYTES} bytes`] };
  try {
    const doc = parseDocument(m[1]);
    if (doc.errors.length) return { kind: 'invalid', errors: doc.errors.map((e) => `Invalid YAML: ${e.message.split('\n')[0]}`) };
    return { kind: 'parsed', data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (err) {
    // toJS refuses excessive alias expansion with an exception; anything else the parser throws is a bad card too.
    return { kind: 'invalid', errors: [`Invalid YAML: ${(err as Error).message.split('\n')[0]}`] };
  }
}
