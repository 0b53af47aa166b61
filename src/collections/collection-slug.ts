import { randomBytes } from 'node:crypto';

/** A new public id: 24 hex digits, as the Hub's ids look (clients treat it as opaque). */
export function newPublicId(): string {
  return randomBytes(12).toString('hex');
}

/** The Hub's slug: `{owner}/{title in lower case, runs of other characters as one dash}-{id}`. */
export function collectionSlug(namespace: string, title: string, publicId: string): string {
  const words = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return `${namespace}/${words ? `${words}-` : ''}${publicId}`;
}

/**
 * The owner and id a slug names; the title part is ignored, so a slug handed out before a
 * rename still works (as on the Hub). Null: not a collection slug at all.
 */
export function parseSlug(namespace: string, tail: string): { namespace: string; publicId: string } | null {
  const m = /(?:^|-)([0-9a-f]{24})$/.exec(tail);
  return m ? { namespace, publicId: m[1] } : null;
}
