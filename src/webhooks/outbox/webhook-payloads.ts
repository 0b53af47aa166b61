import type { DiscussionEventRecord, DiscussionRecord } from '../../discussions/discussion.types';
import type { StoredComment } from '../../discussions/discussion.presenter';
import { PLURAL, repoId, repoWebPath, type RepoRecord } from '../../repos/repo.types';

/**
 * The Hub's webhook payloads (version 3, `huggingface_hub`'s `WebhookPayload`). Links are stored
 * as paths and made absolute when sent, with the public address the webhook was saved under;
 * `webhook` is added when sent too.
 */
export type Payload = Record<string, unknown>;

export function repoPayload(repo: RepoRecord, headSha?: string | null): Payload {
  const api = `/api/${PLURAL[repo.type]}/${repoId(repo)}`;
  return {
    type: repo.type,
    name: repoId(repo),
    id: String(repo.id),
    private: repo.private,
    url: { web: repoWebPath(repo), api },
    owner: { id: String(repo.namespaceId) },
    // The Hub sends `headSha`; huggingface_hub's model reads `head_sha`: both, so both work.
    ...(headSha ? { headSha, head_sha: headSha } : {}),
  };
}

export function discussionPayload(repo: RepoRecord, d: DiscussionRecord, status = d.status, mergeCommitId = d.mergeCommitOid): Payload {
  return {
    id: String(d.id),
    num: d.num,
    title: d.title,
    url: { web: `${repoWebPath(repo)}/discussions/${d.num}`, api: `/api/${PLURAL[repo.type]}/${repoId(repo)}/discussions/${d.num}` },
    status,
    author: { id: String(d.author?.id ?? '') },
    isPullRequest: d.isPullRequest,
    ...(d.isPullRequest && d.targetBranch ? { changes: { base: d.targetBranch, ...(mergeCommitId ? { mergeCommitId } : {}) } } : {}),
  };
}

export function commentPayload(repo: RepoRecord, d: DiscussionRecord, e: DiscussionEventRecord): Payload {
  const stored = e.data as unknown as StoredComment;
  const latest = stored.revisions[stored.revisions.length - 1];
  return {
    id: e.publicId,
    author: { id: String(e.author?.id ?? '') },
    hidden: stored.hidden,
    ...(stored.hidden ? {} : { content: latest?.raw ?? '' }),
    url: { web: `${repoWebPath(repo)}/discussions/${d.num}#${e.publicId}` },
  };
}

/** The payload with every `url.web`/`url.api` path prefixed by `base`, and the webhook named. */
export function payloadToSend(payload: Payload, base: string, webhookId: string): Payload {
  const walk = (v: unknown, key: string | null): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = key === 'url' && typeof x === 'string' && x.startsWith('/') ? base + x : walk(x, k);
    return out;
  };
  return { ...(walk(payload, null) as Payload), webhook: { id: webhookId, version: 3 } };
}
