import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { useAsync } from '../../lib/ui';
import { repoId, type RepoRef } from '../repo-api';
import { useMe } from '../session';

/** ♥ with the count; signed-in users toggle their like. */
export function LikeButton({ repo, likes }: { repo: RepoRef; likes: number }) {
  const me = useMe();
  const path = `/api/${repo.kind}/{namespace}/{repo}/like` as '/api/models/{namespace}/{repo}/like';
  const params = { params: { path: { namespace: repo.namespace, repo: repo.name } } };
  const liked = useAsync(async () => (me ? (await call(hubApi.GET(path, params))).liked : false), [repoId(repo), me?.username]);
  const [state, setState] = useState<{ liked: boolean; count: number } | null>(null);
  const current = state ?? { liked: !!liked.data, count: likes };
  const toggle = async () => {
    const res = await call(current.liked ? hubApi.DELETE(path, params) : hubApi.POST(path, params));
    setState({ liked: !current.liked, count: res.likes_count });
  };
  return (
    <p>
      <button type="button" class={current.liked ? '' : 'secondary'} aria-pressed={current.liked} disabled={!me} title={me ? undefined : 'Log in to like'} onClick={() => void toggle()}>
        ♥ {current.liked ? 'Liked' : 'Like'} · {current.count}
      </button>
    </p>
  );
}
