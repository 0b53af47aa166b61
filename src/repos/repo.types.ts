export type RepoType = 'model' | 'dataset' | 'space';
export const REPO_TYPES: readonly RepoType[] = ['model', 'dataset', 'space'];

/** URL segment of each type: `/api/models/...`, `/datasets/...`. */
export const PLURAL: Record<RepoType, 'models' | 'datasets' | 'spaces'> = { model: 'models', dataset: 'datasets', space: 'spaces' };

export interface RepoRecord {
  id: number;
  type: RepoType;
  namespaceId: number;
  /** The owner's name as stored (its case). */
  namespace: string;
  namespaceKind: 'user' | 'org';
  name: string;
  private: boolean;
  gated: 'auto' | 'manual' | null;
  /** Discussions turned off: only writers open pull requests and comment (see DiscussionsService). */
  discussionsDisabled: boolean;
  defaultBranch: string;
  sdk: string | null;
  likes: number;
  /** Download sessions in the last 30 days (rollup plus the sessions since). */
  downloads: number;
  downloadsAllTime: number;
  /** From the daily rollup: recent downloads and likes, weighted towards today. */
  trendingScore: number;
  /** The account that created it (null: deleted since): an org contributor writes to the repositories they created. */
  createdBy: number | null;
  createdAt: Date;
  lastModified: Date;
}

export const repoId = (r: Pick<RepoRecord, 'namespace' | 'name'>): string => `${r.namespace}/${r.name}`;

/** The web path of a repository: `/alice/m`, `/datasets/alice/d`, `/spaces/alice/s`. */
export function repoWebPath(r: Pick<RepoRecord, 'type' | 'namespace' | 'name'>): string {
  return r.type === 'model' ? `/${r.namespace}/${r.name}` : `/${PLURAL[r.type]}/${r.namespace}/${r.name}`;
}
