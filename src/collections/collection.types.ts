import type { RepoRecord, RepoType } from '../repos/repo.types';

export type CollectionItemType = RepoType | 'paper';
export const COLLECTION_ITEM_TYPES: readonly CollectionItemType[] = ['model', 'dataset', 'space', 'paper'];

export interface CollectionRecord {
  id: number;
  /** 24 hex digits, the tail of the slug (the Hub's object id). */
  publicId: string;
  namespaceId: number;
  namespace: string;
  namespaceKind: 'user' | 'org';
  title: string;
  description: string | null;
  private: boolean;
  theme: string;
  position: number;
  upvotes: number;
  lastUpdated: Date;
}

export interface CollectionItemRecord {
  id: number;
  publicId: string;
  collectionId: number;
  type: CollectionItemType;
  position: number;
  note: string | null;
  /** The repository of a model, dataset or space item. */
  repo: RepoRecord | null;
  paperId: string | null;
}

export type CollectionSort = 'lastModified' | 'upvotes' | 'trending';
