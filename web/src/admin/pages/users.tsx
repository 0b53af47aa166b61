import { useState } from 'preact/hooks';
import { ApiError, call } from '../../api/client';
import { formatBytes, formatDate, parseBytes } from '../../lib/format';
import { navigate } from '../../lib/router';
import { ConfirmButton, ErrorBox, Pager, Show, Table, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

const LIMIT = 25;

export function UsersPage() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const users = useAsync(() => call(adminApi.GET('/admin/api/users', { params: { query: { search: search || undefined, limit: LIMIT, offset } } })), [search, offset]);
  return (
    <>
      <h1>Users</h1>
      <CreateUser onCreated={users.reload} />
      <label class="search">
        Search users
        <input type="search" value={search} onInput={(e) => (setSearch(e.currentTarget.value), setOffset(0))} placeholder="name or email" />
      </label>
      <Show state={users}>
        {(list) => (
          <>
            <Table
              label="Users"
              head={['User', 'Email', 'Role', 'Private used / quota', 'Public used / quota', 'Status']}
              rows={list.users}
              row={(u) => (
                <>
                  <td>
                    <a href={`/admin/users/${encodeURIComponent(u.username)}`}>{u.username}</a>
                  </td>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>
                    {formatBytes(u.private_used_bytes)} / {u.private_quota_bytes === null ? 'unlimited' : formatBytes(u.private_quota_bytes)}
                  </td>
                  <td>
                    {formatBytes(u.public_used_bytes)} / {u.public_quota_bytes === null ? 'unlimited' : formatBytes(u.public_quota_bytes)}
                  </td>
                  <td>{u.is_active ? 'active' : 'deactivated'}</td>
                </>
              )}
            />
            <Pager offset={offset} limit={LIMIT} count={list.users.length} total={list.total} onChange={setOffset} />
          </>
        )}
      </Show>
    </>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [open, setOpen] = useState(false);
  const action = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '');
    void action.run(async () => {
      const user = await call(
        adminApi.POST('/admin/api/users', {
          body: {
            username: text('username'),
            email: text('email'),
            password: text('password'),
            private_quota_bytes: parseBytes(text('private_quota')),
            public_quota_bytes: parseBytes(text('public_quota')),
            email_verified: form.get('email_verified') === 'on',
          },
        }),
      );
      setCreated(user.username);
      (e.target as HTMLFormElement).reset();
      onCreated();
    });
  };
  if (!open)
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          New user
        </button>
        {created && <span class="ok"> Created {created}.</span>}
      </p>
    );
  return (
    <form class="card grid-form" onSubmit={submit} aria-label="New user">
      <label>
        Username <input name="username" required autocomplete="off" />
      </label>
      <label>
        Email <input name="email" type="email" required autocomplete="off" />
      </label>
      <label>
        Password <input name="password" type="password" minLength={8} required autocomplete="new-password" />
      </label>
      <label>
        Private quota <input name="private_quota" placeholder="e.g. 10 GB (empty: unlimited)" />
      </label>
      <label>
        Public quota <input name="public_quota" placeholder="e.g. 50 GB (empty: unlimited)" />
      </label>
      <label class="check">
        <input type="checkbox" name="email_verified" /> Email verified
      </label>
      <ErrorBox error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          Create user
        </button>
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {created && <p class="ok">Created {created}.</p>}
    </form>
  );
}

export function UserPage({ username }: { username: string }) {
  const user = useAsync(() => call(adminApi.GET('/admin/api/users/{username}', { params: { path: { username } } })), [username]);
  const action = useAction();
  const [confirmRepos, setConfirmRepos] = useState<string | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);
  const path = { params: { path: { username } } };
  const setActive = (active: boolean) =>
    action.run(async () => {
      await call(active ? adminApi.POST('/admin/api/users/{username}/activate', path) : adminApi.POST('/admin/api/users/{username}/deactivate', path));
      user.reload();
    });
  const setVerified = (verified: boolean) =>
    action.run(async () => {
      await call(adminApi.PATCH('/admin/api/users/{username}/email-verification', { params: { path: { username }, query: { verified } } }));
      user.reload();
    });
  const rotate = () =>
    action.run(async () => {
      setRotated((await call(adminApi.POST('/admin/api/users/{username}/rotate-token', path))).token);
    });
  const remove = (force: boolean) =>
    action.run(async () => {
      try {
        await call(adminApi.DELETE('/admin/api/users/{username}', { params: { path: { username }, query: { force } } }));
        navigate('/admin/users');
      } catch (e) {
        // The account still owns repositories: the API names them; deleting them too needs a second, explicit step.
        if (e instanceof ApiError && e.status === 409 && !force) setConfirmRepos(e.message);
        else throw e;
      }
    });
  return (
    <>
      <p>
        <a href="/admin/users">← Users</a>
      </p>
      <h1>{username}</h1>
      <Show state={user}>
        {(u) => (
          <>
            <dl class="card props">
              <dt>Email</dt>
              <dd>
                {u.email} {u.email_verified ? '(verified)' : '(not verified)'}
              </dd>
              <dt>Full name</dt>
              <dd>{u.fullname || '—'}</dd>
              <dt>Role</dt>
              <dd>{u.role}</dd>
              <dt>Status</dt>
              <dd>{u.is_active ? 'active' : 'deactivated'}</dd>
              <dt>Private storage</dt>
              <dd>
                {formatBytes(u.private_used_bytes)} of {u.private_quota_bytes === null ? 'unlimited' : formatBytes(u.private_quota_bytes)}
              </dd>
              <dt>Public storage</dt>
              <dd>
                {formatBytes(u.public_used_bytes)} of {u.public_quota_bytes === null ? 'unlimited' : formatBytes(u.public_quota_bytes)}
              </dd>
              <dt>Created</dt>
              <dd>{formatDate(u.created_at)}</dd>
            </dl>
            <div class="actions">
              {u.is_active ? (
                <button type="button" disabled={action.busy} onClick={() => void setActive(false)}>
                  Deactivate
                </button>
              ) : (
                <button type="button" disabled={action.busy} onClick={() => void setActive(true)}>
                  Activate
                </button>
              )}
              <button type="button" class="secondary" disabled={action.busy} onClick={() => void setVerified(!u.email_verified)}>
                {u.email_verified ? 'Mark email unverified' : 'Mark email verified'}
              </button>
              <ConfirmButton label="Rotate token" confirmLabel="Rotate: revoke their tokens and sessions" disabled={action.busy} onConfirm={() => void rotate()} />
              <ConfirmButton label="Delete user" confirmLabel={`Delete ${username}`} disabled={action.busy} onConfirm={() => void remove(false)} />
            </div>
            {rotated && (
              <div class="card warning" role="region" aria-label="New token">
                <p>New write token for {username} (shown once; their other tokens and sessions ended):</p>
                <p class="mono">{rotated}</p>
              </div>
            )}
            {confirmRepos && (
              <div class="card warning" role="alertdialog" aria-label="Owned repositories">
                <p>{confirmRepos}</p>
                <button type="button" class="danger" disabled={action.busy} onClick={() => void remove(true)}>
                  Delete the user and these repositories
                </button>
              </div>
            )}
            <ErrorBox error={action.error} />
          </>
        )}
      </Show>
    </>
  );
}
