import type { CollectionItemRecord } from './collection.types';
import type { CollectionDto, CollectionItemDto, CollectionSummaryDto } from './collections.dto';
import type { CollectionView } from './collections.service';

/** The Hub's collection shape (what huggingface_hub's Collection and CollectionItem read). */
export function toCollectionDto(v: CollectionView): CollectionDto {
  return { ...toCollectionSummaryDto(v), position: v.collection.position };
}

export function toCollectionSummaryDto(v: CollectionView): CollectionSummaryDto {
  const c = v.collection;
  return {
    slug: v.slug,
    title: c.title,
    description: c.description,
    owner: { name: c.namespace, type: c.namespaceKind },
    items: v.items.map(toItemDto),
    lastUpdated: c.lastUpdated.toISOString(),
    private: c.private,
    theme: c.theme,
    upvotes: c.upvotes,
    isUpvotedByUser: false,
  };
}

function toItemDto(i: CollectionItemRecord): CollectionItemDto {
  const base = { _id: i.publicId, type: i.type, position: i.position, ...(i.note !== null ? { note: { text: i.note } } : {}) };
  if (!i.repo) return { ...base, id: i.paperId! };
  const r = i.repo;
  return {
    ...base,
    id: `${r.namespace}/${r.name}`,
    author: r.namespace,
    repoType: r.type,
    private: r.private,
    gated: r.gated ?? false,
    likes: r.likes,
    downloads: r.downloads,
    lastModified: new Date(r.lastModified).toISOString(),
  };
}
