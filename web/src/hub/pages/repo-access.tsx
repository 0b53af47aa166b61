import { call, hubApi } from '../../api/client';
import { formatBytes, formatDate } from '../../lib/format';
import { ConfirmButton, ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import { kindPath, repoId, repoParams as path, type RepoRef } from '../repo-api';
import { UserRoleForm } from './user-role-form';

const ROLES = ['read', 'write', 'admin'] as const;

/** Who else may read, write or administer the repository: grant, change (grant again), revoke. */
export function RepoAccessView({ repo }: { repo: RepoRef }) {
  const grants = useAsync(() => call(hubApi.GET(kindPath(repo, '/api/models/{namespace}/{repo}/access'), { params: { path: path(repo) } })), [repoId(repo), repo.kind]);
  const action = useAction();
  const grant = async (username: string, role: (typeof ROLES)[number]) => {
    let done = false;
    await action.run(async () => {
      await call(hubApi.POST(kindPath(repo, '/api/models/{namespace}/{repo}/access'), { params: { path: path(repo) }, body: { username, role } }));
      done = true;
      grants.reload();
    });
    return done;
  };
  const revoke = (username: string) =>
    action.run(async () => {
      await call(hubApi.DELETE(kindPath(repo, '/api/models/{namespace}/{repo}/access/{username}'), { params: { path: { ...path(repo), username } } }));
      grants.reload();
    });
  return (
    <section aria-label="Access" class="card">
      <h2>Access</h2>
      <p class="hint">People granted a role on this repository, beyond its owner and the owning organization's members.</p>
      <UserRoleForm label="Grant access" roles={ROLES} initialRole="read" submitLabel="Grant" busy={action.busy} onSubmit={grant} />
      <ErrorBox error={action.error} />
      <Show state={grants}>
        {(g) =>
          g.grants.length === 0 ? (
            <p class="hint">No one has been granted access.</p>
          ) : (
            <Table
              label="Access grants"
              head={['User', 'Role', 'Since', '']}
              rows={g.grants}
              row={(x) => (
                <>
                  <td>
                    <a href={`/${encodeURIComponent(x.username)}`}>{x.username}</a>
                  </td>
                  <td>{x.role}</td>
                  <td>{formatDate(x.created_at)}</td>
                  <td>
                    <ConfirmButton label="Revoke" confirmLabel={`Revoke ${x.username}`} disabled={action.busy} onConfirm={() => void revoke(x.username)} />
                  </td>
                </>
              )}
            />
          )
        }
      </Show>
    </section>
  );
}

/** The LFS rules in force (the API reads them; an administrator sets them). */
export function RepoLfsView({ repo }: { repo: RepoRef }) {
  const lfs = useAsync(() => call(hubApi.GET(kindPath(repo, '/api/models/{namespace}/{repo}/lfs/settings'), { params: { path: path(repo) } })), [repoId(repo), repo.kind]);
  const source = (s: string) => (s === 'repository' ? 'this repository' : 'server default');
  return (
    <section aria-label="Large files" class="card">
      <h2>Large files (LFS)</h2>
      <Show state={lfs}>
        {(l) => (
          <dl class="props">
            <dt>Stored with LFS from</dt>
            <dd>
              {formatBytes(l.lfs_threshold_bytes_effective)} <span class="hint">({source(l.lfs_threshold_bytes_source)})</span>
            </dd>
            <dt>Always LFS</dt>
            <dd>
              {l.lfs_suffix_rules_effective.length ? l.lfs_suffix_rules_effective.join(', ') : 'no suffix rules'} <span class="hint">({source(l.lfs_suffix_rules_source)})</span>
            </dd>
            <dt>Versions kept</dt>
            <dd>
              {l.lfs_keep_versions_effective ?? 'all'} <span class="hint">({source(l.lfs_keep_versions_source)})</span>
            </dd>
          </dl>
        )}
      </Show>
    </section>
  );
}
