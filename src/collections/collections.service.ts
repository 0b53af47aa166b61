import { Injectable } from '@nestjs/common';
import { UsersService } from '../auth/accounts/users.service';
import { assertCanWrite, type Principal } from '../auth/principal';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../core/errors/domain-error';
import { RepoAccessService } from '../repos/access/repo-access.service';
import { RepoListingService } from '../repos/repo-listing.service';
import { RepositoriesRepository } from '../repos/repositories.repository';
import { PLURAL, REPO_TYPES, type RepoType } from '../repos/repo.types';
import { collectionSlug, parseSlug } from './collection-slug';
import type { CollectionItemRecord, CollectionItemType, CollectionRecord, CollectionSort } from './collection.types';
import { CollectionsRepository, type CollectionChanges, type ItemFilter } from './collections.repository';

/** How many items each collection of a listing shows (the Hub's: get_collection has them all). */
export const LISTING_PREVIEW_ITEMS = 4;

export interface CollectionView {
  collection: CollectionRecord;
  slug: string;
  /** Only the items the caller may see. */
  items: CollectionItemRecord[];
}

/**
 * Collections: a private one exists only for its owner (and the members of its owning
 * organization, any role); changing one takes the owner, or an organization member who may
 * write (member, admin), with a write credential. Items pointing to repositories the caller
 * may not read are left out of every answer (RepoAccess decides), as if they were not there.
 */
@Injectable()
export class CollectionsService {
  constructor(
    private readonly collections: CollectionsRepository,
    private readonly users: UsersService,
    private readonly access: RepoAccessService,
    private readonly listing: RepoListingService,
    private readonly repos: RepositoriesRepository,
  ) {}

  async create(principal: Principal, c: { namespace: string; title: string; description?: string; private?: boolean }): Promise<CollectionView> {
    const ns = await this.users.findNamespace(c.namespace);
    if (!ns) throw new NotFoundError(`Namespace "${c.namespace}" not found`, 'NamespaceNotFound');
    await this.assertMayWriteIn(principal, ns.id, ns.name);
    const created = await this.collections.insert(ns.id, { title: c.title, description: c.description ?? null, private: c.private ?? false });
    if (!created) {
      const existing = (await this.collections.findByTitle(ns.id, c.title))!;
      // huggingface_hub's exists_ok reads `slug` from the 409's body.
      throw new ConflictError(`You already have a collection named "${c.title}"`, 'CollectionExists', { slug: slugOf(existing) });
    }
    return this.view(principal, created);
  }

  async get(principal: Principal | null, namespace: string, tail: string): Promise<CollectionView> {
    return this.view(principal, await this.find(principal, namespace, tail));
  }

  async list(
    principal: Principal | null,
    q: { owners: string[]; items: string[]; search: string | null; sort: CollectionSort; limit: number; offset: number },
  ): Promise<CollectionView[]> {
    let items: ItemFilter | null = null;
    if (q.items.length) {
      items = { repoIds: [], paperIds: [] };
      for (const wanted of q.items) {
        const target = await this.itemFilter(principal, wanted);
        if (target && 'repoId' in target) items.repoIds.push(target.repoId);
        else if (target) items.paperIds.push(target.paperId);
      }
      // An item the caller may not see matches nothing (its collections would tell it exists).
      if (!items.repoIds.length && !items.paperIds.length) return [];
    }
    const found = await this.collections.list({ ...q, items, visibleNamespaceIds: await this.listing.visibleNamespaces(principal) });
    // Hidden items may take some of the first places: read a few more than are shown.
    const shown = await this.visible(principal, await this.collections.items(found.map((c) => c.id), LISTING_PREVIEW_ITEMS * 8));
    return found.map((c) => ({ collection: c, slug: slugOf(c), items: shown.filter((i) => i.collectionId === c.id).slice(0, LISTING_PREVIEW_ITEMS) }));
  }

  async update(principal: Principal, namespace: string, tail: string, changes: CollectionChanges & { position?: number }): Promise<CollectionView> {
    const c = await this.findWritable(principal, namespace, tail);
    const { position, ...fields } = changes;
    if (!(await this.collections.update(c.id, fields))) throw new ConflictError(`You already have a collection named "${fields.title}"`, 'CollectionExists');
    if (position !== undefined) await this.collections.moveCollection(c, position);
    return this.view(principal, (await this.collections.findById(c.id))!);
  }

  async delete(principal: Principal, namespace: string, tail: string): Promise<void> {
    const c = await this.findWritable(principal, namespace, tail);
    await this.collections.delete(c.id);
  }

  async addItem(principal: Principal, namespace: string, tail: string, it: { id: string; type: string; note?: string }): Promise<CollectionView> {
    const c = await this.findWritable(principal, namespace, tail);
    const target = await this.itemTarget(principal, it.type, it.id);
    const added = await this.collections.addItem(c.id, it.type as CollectionItemType, target, it.note ?? null);
    if (!added) throw new ConflictError(`${it.id} is already in this collection`, 'CollectionItemExists');
    return this.view(principal, (await this.collections.findById(c.id))!);
  }

  async updateItem(principal: Principal, namespace: string, tail: string, itemId: string, changes: { note?: string; position?: number }): Promise<void> {
    const c = await this.findWritable(principal, namespace, tail);
    const it = await this.findItem(principal, c, itemId);
    await this.collections.updateItem(c.id, it.id, changes);
  }

  async deleteItem(principal: Principal, namespace: string, tail: string, itemId: string): Promise<void> {
    const c = await this.findWritable(principal, namespace, tail);
    const it = await this.findItem(principal, c, itemId);
    await this.collections.deleteItem(c.id, it.id);
  }

  private async view(principal: Principal | null, c: CollectionRecord): Promise<CollectionView> {
    return { collection: c, slug: slugOf(c), items: await this.visible(principal, await this.collections.items([c.id])) };
  }

  private async find(principal: Principal | null, namespace: string, tail: string): Promise<CollectionRecord> {
    const parsed = parseSlug(namespace, tail);
    const c = parsed && (await this.collections.findByPublicId(parsed.publicId));
    if (!c || c.namespace.toLowerCase() !== namespace.toLowerCase()) throw collectionNotFound();
    if (c.private && !(await this.access.namespaceLevel(principal, c.namespaceId))) throw collectionNotFound();
    return c;
  }

  private async findWritable(principal: Principal, namespace: string, tail: string): Promise<CollectionRecord> {
    const c = await this.find(principal, namespace, tail);
    await this.assertMayWriteIn(principal, c.namespaceId, c.namespace);
    return c;
  }

  /** An item of the collection the caller may see (one they may not see is not there for them). */
  private async findItem(principal: Principal, c: CollectionRecord, itemId: string): Promise<CollectionItemRecord> {
    const it = await this.collections.findItem(c.id, itemId);
    if (!it || !(await this.visible(principal, [it])).length) throw new NotFoundError('Item not found in this collection', 'CollectionItemNotFound');
    return it;
  }

  private async assertMayWriteIn(principal: Principal, namespaceId: number, namespace: string): Promise<void> {
    assertCanWrite(principal);
    const level = await this.access.namespaceLevel(principal, namespaceId);
    if (level !== 'write' && level !== 'admin') throw new ForbiddenError(`You cannot change collections of "${namespace}"`, 'Forbidden');
  }

  private async visible(principal: Principal | null, items: CollectionItemRecord[]): Promise<CollectionItemRecord[]> {
    const shown = await Promise.all(items.map(async (i) => !i.repo || (await this.access.mayRead(principal, i.repo))));
    return items.filter((_, k) => shown[k]);
  }

  /** What an added item points to: a repository the caller may read (404 RepoNotFound otherwise) or a paper id. */
  private async itemTarget(principal: Principal, type: string, id: string): Promise<{ repoId: number } | { paperId: string }> {
    if (type === 'paper') {
      if (!PAPER_ID.test(id)) throw new BadRequestError(`"${id}" is not a paper id (like 2311.12983)`, 'InvalidPaperId');
      return { paperId: id };
    }
    if (!(REPO_TYPES as readonly string[]).includes(type)) {
      throw new BadRequestError(`Items of type "${type}" are not supported; use model, dataset, space or paper`, 'UnsupportedItemType');
    }
    const [namespace, name, ...rest] = id.split('/');
    const repo = namespace && name && !rest.length ? await this.repos.find(type as RepoType, namespace, name) : null;
    if (!repo || !(await this.access.mayRead(principal, repo))) throw new NotFoundError(`${type} ${id} not found`, 'RepoNotFound');
    return { repoId: repo.id };
  }

  /** The listing's `item` filter: `models/alice/m`, `datasets/alice/d`, `spaces/alice/s`, `papers/2311.12983`; null: nothing the caller sees. */
  private async itemFilter(principal: Principal | null, item: string): Promise<{ repoId: number } | { paperId: string } | null> {
    const [kind, ...rest] = item.split('/');
    if (kind === 'papers' && rest.length === 1) return { paperId: rest[0] };
    const type = REPO_TYPES.find((t) => PLURAL[t] === kind);
    if (!type || rest.length !== 2) throw new BadRequestError(`"${item}" is not an item (like models/alice/my-model or papers/2311.12983)`, 'InvalidItem');
    const repo = await this.repos.find(type, rest[0], rest[1]);
    return repo && (await this.access.mayRead(principal, repo)) ? { repoId: repo.id } : null;
  }
}

const PAPER_ID = /^\d{4}\.\d{4,5}$/;

function slugOf(c: CollectionRecord): string {
  return collectionSlug(c.namespace, c.title, c.publicId);
}

function collectionNotFound(): NotFoundError {
  return new NotFoundError('Collection not found', 'CollectionNotFound');
}
