import { parseFrontMatter } from './card-front-matter';

/**
 * Card data: the README's front matter when it is a YAML mapping, else null. `problem` says why
 * a metadata block that is there could not be used (for a warning; the request goes on).
 */
export function readmeFrontMatter(readme: string): { data: Record<string, unknown> | null; problem: string | null } {
  const fm = parseFrontMatter(readme);
  if (fm.kind === 'absent') return { data: null, problem: null };
  if (fm.kind === 'unclosed') return { data: null, problem: 'the metadata block is not closed by a "---" line' };
  if (fm.kind === 'invalid') return { data: null, problem: fm.errors.join('; ').slice(0, 500) };
  const value = fm.data;
  return value && typeof value === 'object' && !Array.isArray(value) ? { data: value as Record<string, unknown>, problem: null } : { data: null, problem: null };
}

/** A card field that must be one string (`pipeline_tag`, `library_name`), else null. */
export function cardString(card: Record<string, unknown> | null | undefined, key: 'pipeline_tag' | 'library_name'): string | null {
  const v = card?.[key];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
}

/** The repo tags the hub derives from card data: `tags`, plus library, pipeline tag, license and language. */
export function tagsFromCard(card: Record<string, unknown> | null): string[] {
  if (!card) return [];
  const out: string[] = [];
  const add = (v: unknown, prefix = '') => {
    for (const item of Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]) {
      if (typeof item === 'string' && item.length <= 200) out.push(prefix + item);
    }
  };
  add(card.tags);
  add(card.library_name);
  add(cardString(card, 'pipeline_tag') ?? undefined);
  add(card.license, 'license:');
  add(card.language);
  return [...new Set(out)];
}
