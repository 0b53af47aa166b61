import { parseDocument } from 'yaml';

/** The YAML front matter of a README (`---\n...\n---`), parsed; null when absent or invalid. */
export function readmeFrontMatter(readme: string): Record<string, unknown> | null {
  const m = readme.match(/^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(\r?\n|$)/);
  if (!m) return null;
  const doc = parseDocument(m[1]);
  if (doc.errors.length > 0) return null;
  const value = doc.toJS();
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
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
