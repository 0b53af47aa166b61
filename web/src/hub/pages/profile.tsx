import { ApiError, call, hubApi } from '../../api/client';
import { formatDate } from '../../lib/format';
import { Show, useAsync } from '../../lib/ui';
import { repoPath, type RepoInfo, type RepoKind } from '../repo-api';
import { OrgMembers } from './org-members';

/** A user's or an organization's page: who they are and their repositories. */
export function NamespacePage({ name }: { name: string }) {
  const data = useAsync(async () => {
    const repos = call(hubApi.GET('/api/users/{username}/repos', { params: { path: { username: name } } }));
    try {
      const user = await call(hubApi.GET('/api/users/{username}/overview', { params: { path: { username: name } } }));
      return { kind: 'user' as const, title: user.fullname || user.user, bio: user.bio, since: user.createdAt, followers: user.numFollowers, orgs: user.orgs.map((o) => o.name), repos: await repos };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      const org = await call(hubApi.GET('/api/organizations/{name}/overview', { params: { path: { name } } }));
      return { kind: 'organization' as const, title: org.fullname || org.name, bio: org.bio, since: org.createdAt, followers: org.numFollowers, orgs: [] as string[], repos: await repos };
    }
  }, [name]);
  return (
    <Show state={data}>
      {(d) => (
        <>
          <h1>{d.title}</h1>
          <p class="hint">
            {d.kind} <span class="mono">{name}</span> · {d.followers} followers · since {formatDate(d.since)}
          </p>
          {d.bio && <p>{d.bio}</p>}
          {d.orgs.length > 0 && (
            <p>
              Organizations:{' '}
              {d.orgs.map((o, i) => (
                <>
                  {i > 0 && ', '}
                  <a href={`/${encodeURIComponent(o)}`}>{o}</a>
                </>
              ))}
            </p>
          )}
          {(['models', 'datasets', 'spaces'] as RepoKind[]).map((kind) => (
            <RepoSection kind={kind} repos={d.repos[kind]} />
          ))}
          {d.kind === 'organization' && <OrgMembers org={name} />}
        </>
      )}
    </Show>
  );
}

function RepoSection({ kind, repos }: { kind: RepoKind; repos: RepoInfo[] }) {
  return (
    <section aria-label={kind}>
      <h2>
        {kind[0].toUpperCase() + kind.slice(1)} ({repos.length})
      </h2>
      {repos.length === 0 ? (
        <p class="hint">None.</p>
      ) : (
        <ul class="repo-list">
          {repos.map((r) => {
            const [namespace, name] = r.id.split('/');
            return (
              <li>
                <a href={repoPath({ kind, namespace, name })}>{r.id}</a>
                {r.private && <span class="badge"> private</span>}
                <p class="hint">
                  ♥ {r.likes ?? 0} · ↓ {r.downloads ?? 0} · updated {formatDate(r.lastModified)}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
