import { cardString } from './card-data';
import type { RepoInfoDto } from './dto/repos.dto';
import type { RepoDetails } from './repos.service';
import { repoId, type RepoRecord } from './repo.types';

/** The repo_info / list shape huggingface_hub parses into ModelInfo, DatasetInfo and SpaceInfo. */
export function toRepoInfo(
  repo: RepoRecord,
  extra: { sha?: string; lastModified?: Date; tags?: string[]; cardData?: Record<string, unknown> | null; withCardData?: boolean; siblings?: RepoDetails['siblings']; blobs?: boolean } = {},
): RepoInfoDto {
  return {
    _id: String(repo.id),
    id: repoId(repo),
    author: repo.namespace,
    ...(extra.sha ? { sha: extra.sha } : {}),
    lastModified: (extra.lastModified ?? repo.lastModified).toISOString(),
    createdAt: repo.createdAt.toISOString(),
    private: repo.private,
    disabled: false,
    discussionsDisabled: repo.discussionsDisabled,
    gated: repo.gated ?? false,
    downloads: repo.downloads,
    downloadsAllTime: repo.downloadsAllTime,
    likes: repo.likes,
    trendingScore: repo.trendingScore,
    tags: extra.tags ?? [],
    ...(extra.cardData && extra.withCardData !== false ? { cardData: extra.cardData } : {}),
    ...cardFields(extra.cardData ?? null),
    ...(extra.siblings
      ? { siblings: extra.siblings.map((s) => (extra.blobs ? { rfilename: s.rfilename, size: s.size, blobId: s.blobId, ...(s.lfs ? { lfs: s.lfs } : {}) } : { rfilename: s.rfilename })) }
      : {}),
    ...(repo.type === 'space' ? { sdk: repo.sdk ?? undefined } : {}),
  };
}

/** The fields the hub lifts out of the card data (transformers' pipeline() reads pipeline_tag). */
function cardFields(card: Record<string, unknown> | null): Pick<RepoInfoDto, 'pipeline_tag' | 'library_name'> {
  const pipelineTag = cardString(card, 'pipeline_tag');
  const libraryName = cardString(card, 'library_name');
  return { ...(pipelineTag ? { pipeline_tag: pipelineTag } : {}), ...(libraryName ? { library_name: libraryName } : {}) };
}
