import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isUniqueViolation } from '../core/database/pg-errors';
import { normalise, REPO_COLUMNS } from '../repos/repositories.repository';
import type { RepoRecord } from '../repos/repo.types';
import { newPublicId } from './collection-slug';
import type { CollectionItemRecord, CollectionItemType, CollectionRecord, CollectionSort } from './collection.types';

const COLLECTION_COLUMNS = `
  c.id, c.public_id AS "publicId", c.namespace_id AS "namespaceId", cn.name AS namespace, cn.kind AS "namespaceKind", c.title, c.description,
  c.private, c.theme, c.position, c.upvotes, c.last_updated AS "lastUpdated"`;
const COLLECTION_FROM = `collections c JOIN namespaces cn ON cn.id = c.namespace_id`;

/** What the listing filters on; `visibleNamespaceIds`: owners whose private collections the caller sees. */
export interface CollectionListQuery {
  owners: string[];
  /** Collections holding any of these; null: no item filter. */
  items: ItemFilter | null;
  search: string | null;
  sort: CollectionSort;
  visibleNamespaceIds: number[];
  limit: number;
  offset: number;
}

export interface ItemFilter {
  repoIds: number[];
  paperIds: string[];
}

export interface CollectionChanges {
  title?: string;
  description?: string;
  private?: boolean;
  theme?: string;
}

/** Queries over `collections` and `collection_items`. Positions are 0-based and renumbered on every move. */
@Injectable()
export class CollectionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The new collection, or null when its owner already has one with this title. */
  async insert(namespaceId: number, c: { title: string; description: string | null; private: boolean }): Promise<CollectionRecord | null> {
    try {
      const [row] = await this.db.query(
        `INSERT INTO collections (public_id, namespace_id, title, description, private, position)
         VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(position) + 1, 0) FROM collections WHERE namespace_id = $2)) RETURNING id`,
        [newPublicId(), namespaceId, c.title, c.description, c.private],
      );
      return this.findById(Number(row.id));
    } catch (err) {
      if (isUniqueViolation(err, 'collections_namespace_title_key')) return null;
      throw err;
    }
  }

  async findById(id: number): Promise<CollectionRecord | null> {
    const rows = await this.db.query(`SELECT ${COLLECTION_COLUMNS} FROM ${COLLECTION_FROM} WHERE c.id = $1`, [id]);
    return rows[0] ? collection(rows[0]) : null;
  }

  async findByPublicId(publicId: string): Promise<CollectionRecord | null> {
    const rows = await this.db.query(`SELECT ${COLLECTION_COLUMNS} FROM ${COLLECTION_FROM} WHERE c.public_id = $1`, [publicId]);
    return rows[0] ? collection(rows[0]) : null;
  }

  async findByTitle(namespaceId: number, title: string): Promise<CollectionRecord | null> {
    const rows = await this.db.query(`SELECT ${COLLECTION_COLUMNS} FROM ${COLLECTION_FROM} WHERE c.namespace_id = $1 AND c.title = $2`, [namespaceId, title]);
    return rows[0] ? collection(rows[0]) : null;
  }

  async list(q: CollectionListQuery): Promise<CollectionRecord[]> {
    const params: unknown[] = [q.visibleNamespaceIds];
    const where = ['(NOT c.private OR c.namespace_id = ANY($1::bigint[]))'];
    if (q.owners.length) {
      params.push(q.owners.map((o) => o.toLowerCase()));
      where.push(`lower(cn.name) = ANY($${params.length}::text[])`);
    }
    if (q.items) {
      params.push(q.items.repoIds, q.items.paperIds);
      where.push(
        `EXISTS (SELECT 1 FROM collection_items i WHERE i.collection_id = c.id AND (i.repo_id = ANY($${params.length - 1}::bigint[]) OR i.paper_id = ANY($${params.length}::text[])))`,
      );
    }
    if (q.search) {
      params.push(`%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      where.push(`(c.title ILIKE $${params.length} OR c.description ILIKE $${params.length})`);
    }
    // No trending figures for collections: trending orders as upvotes, then recency.
    const order = q.sort === 'lastModified' ? 'c.last_updated DESC, c.id DESC' : 'c.upvotes DESC, c.last_updated DESC, c.id DESC';
    params.push(q.limit, q.offset);
    const rows = await this.db.query(
      `SELECT ${COLLECTION_COLUMNS} FROM ${COLLECTION_FROM} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(collection);
  }

  async update(id: number, c: CollectionChanges): Promise<boolean> {
    try {
      await this.db.query(
        `UPDATE collections SET title = COALESCE($2, title), description = COALESCE($3, description), private = COALESCE($4, private),
           theme = COALESCE($5, theme), last_updated = now() WHERE id = $1`,
        [id, c.title ?? null, c.description ?? null, c.private ?? null, c.theme ?? null],
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err, 'collections_namespace_title_key')) return false;
      throw err;
    }
  }

  /** Moves a collection to `position` among its owner's collections. */
  async moveCollection(c: CollectionRecord, position: number): Promise<void> {
    await this.db.transaction(async (m) => {
      // Serialises position changes per owner; NO KEY UPDATE leaves inserts referencing the row alone.
      await m.query(`SELECT 1 FROM namespaces WHERE id = $1 FOR NO KEY UPDATE`, [c.namespaceId]);
      const rows = await m.query(`SELECT id FROM collections WHERE namespace_id = $1 ORDER BY position, id`, [c.namespaceId]);
      await renumber(m, 'collections', moved(rows, c.id, position));
    });
  }

  async delete(id: number): Promise<void> {
    await this.db.query(`DELETE FROM collections WHERE id = $1`, [id]);
  }

  /** All items of a collection in order, or the first `perCollection` of each of several. */
  async items(collectionIds: number[], perCollection: number | null = null): Promise<CollectionItemRecord[]> {
    if (!collectionIds.length) return [];
    const rows = await this.db.query(
      `SELECT i.id AS "itemId", i.public_id AS "publicId", i.collection_id AS "collectionId", i.item_type AS "itemType", i.position AS "itemPosition",
              i.note, i.paper_id AS "paperId", ${REPO_COLUMNS}
         FROM unnest($1::bigint[]) AS cid(id)
         CROSS JOIN LATERAL (SELECT * FROM collection_items WHERE collection_id = cid.id ORDER BY position, id LIMIT $2) i
         LEFT JOIN repositories r ON r.id = i.repo_id LEFT JOIN namespaces n ON n.id = r.namespace_id
        ORDER BY i.collection_id, i.position, i.id`,
      [collectionIds, perCollection],
    );
    return rows.map(item);
  }

  async findItem(collectionId: number, publicId: string): Promise<CollectionItemRecord | null> {
    const all = await this.items([collectionId]);
    return all.find((i) => i.publicId === publicId) ?? null;
  }

  /** Appends an item; null when the collection holds it already. */
  async addItem(collectionId: number, type: CollectionItemType, target: { repoId: number } | { paperId: string }, note: string | null): Promise<string | null> {
    const publicId = newPublicId();
    try {
      await this.db.transaction(async (m) => {
        await lockCollection(m, collectionId);
        await m.query(
          `INSERT INTO collection_items (public_id, collection_id, item_type, repo_id, paper_id, note, position)
           VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(max(position) + 1, 0) FROM collection_items WHERE collection_id = $2))`,
          [publicId, collectionId, type, 'repoId' in target ? target.repoId : null, 'paperId' in target ? target.paperId : null, note],
        );
        await touch(m, collectionId);
      });
      return publicId;
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  async updateItem(collectionId: number, itemId: number, c: { note?: string; position?: number }): Promise<void> {
    await this.db.transaction(async (m) => {
      await lockCollection(m, collectionId);
      if (c.note !== undefined) await m.query(`UPDATE collection_items SET note = $2 WHERE id = $1`, [itemId, c.note]);
      if (c.position !== undefined) {
        const rows = await m.query(`SELECT id FROM collection_items WHERE collection_id = $1 ORDER BY position, id`, [collectionId]);
        await renumber(m, 'collection_items', moved(rows, itemId, c.position));
      }
      await touch(m, collectionId);
    });
  }

  async deleteItem(collectionId: number, itemId: number): Promise<void> {
    await this.db.transaction(async (m) => {
      await lockCollection(m, collectionId);
      await m.query(`DELETE FROM collection_items WHERE id = $1`, [itemId]);
      const rows = await m.query(`SELECT id FROM collection_items WHERE collection_id = $1 ORDER BY position, id`, [collectionId]);
      await renumber(m, 'collection_items', rows.map((r: { id: string }) => Number(r.id)));
      await touch(m, collectionId);
    });
  }
}

function lockCollection(m: EntityManager, collectionId: number): Promise<unknown> {
  return m.query(`SELECT 1 FROM collections WHERE id = $1 FOR NO KEY UPDATE`, [collectionId]);
}

function touch(m: EntityManager, collectionId: number): Promise<unknown> {
  return m.query(`UPDATE collections SET last_updated = now() WHERE id = $1`, [collectionId]);
}

/** The ids in their new order: `id` taken out and put back at `position` (clamped to the ends). */
function moved(rows: { id: string }[], id: number, position: number): number[] {
  const ids = rows.map((r) => Number(r.id)).filter((x) => x !== id);
  ids.splice(Math.max(0, Math.min(position, ids.length)), 0, id);
  return ids;
}

/** Positions 0..n-1 in the given order (the gaps a deleted repository's items leave close up too). */
async function renumber(m: EntityManager, table: 'collections' | 'collection_items', ids: number[]): Promise<void> {
  await m.query(`UPDATE ${table} t SET position = o.ord - 1 FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, ord) WHERE t.id = o.id AND t.position <> o.ord - 1`, [ids]);
}

function collection(r: CollectionRecord): CollectionRecord {
  return { ...r, id: Number(r.id), namespaceId: Number(r.namespaceId), position: Number(r.position), upvotes: Number(r.upvotes), lastUpdated: new Date(r.lastUpdated) };
}

function item(r: Record<string, unknown>): CollectionItemRecord {
  return {
    id: Number(r.itemId),
    publicId: String(r.publicId),
    collectionId: Number(r.collectionId),
    type: r.itemType as CollectionItemType,
    position: Number(r.itemPosition),
    note: (r.note as string | null) ?? null,
    paperId: (r.paperId as string | null) ?? null,
    repo: r.id == null ? null : normalise(r as unknown as RepoRecord),
  };
}
