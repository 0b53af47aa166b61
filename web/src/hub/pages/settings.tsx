import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { formatDate } from '../../lib/format';
import { ConfirmButton, ErrorBox, Loading, Show, Table, useAction, useAsync } from '../../lib/ui';
import { useMe } from '../session';
import { OrgSettings, ProfileSettings, SshKeySettings } from './settings-more';
import { AvatarSettings } from './avatar';

const TABS: [string, string][] = [
  ['profile', 'Profile'],
  ['tokens', 'Access tokens'],
  ['ssh-keys', 'SSH keys'],
  ['organizations', 'Organizations'],
];

/** Settings of the signed-in account, one tab per concern. */
export function SettingsPage({ tab }: { tab: string }) {
  const me = useMe();
  if (me === undefined) return <Loading />;
  if (me === null)
    return (
      <p>
        <a href="/login">Log in</a> to change your settings.
      </p>
    );
  const title = TABS.find(([id]) => id === tab)?.[1];
  return (
    <>
      <nav class="tabs" aria-label="Settings">
        {TABS.map(([id, label]) => (
          <a href={`/settings/${id}`} aria-current={id === tab ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <h1>{title ?? 'Settings'}</h1>
      {tab === 'profile' && (
        <>
          <ProfileSettings me={me} />
          <AvatarSettings me={me} />
        </>
      )}
      {tab === 'tokens' && <TokensSettings />}
      {tab === 'ssh-keys' && <SshKeySettings />}
      {tab === 'organizations' && <OrgSettings me={me} />}
      {!title && <p class="error">No such page.</p>}
    </>
  );
}

/** Access tokens: create (the value is shown once), list, revoke. */
function TokensSettings() {
  const tokens = useAsync(() => call(hubApi.GET('/api/auth/tokens')), []);
  const action = useAction();
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      const made = await call(hubApi.POST('/api/auth/tokens/create', { body: { name: String(form.get('name')), role: String(form.get('role')) as 'read' | 'write' } }));
      setFresh({ name: made.name, token: made.token });
      setCopied(false);
      (e.target as HTMLFormElement).reset();
      tokens.reload();
    });
  };
  const revoke = (id: number) =>
    action.run(async () => {
      await call(hubApi.DELETE('/api/auth/tokens/{id}', { params: { path: { id: String(id) } } }));
      tokens.reload();
    });
  return (
    <>
      <form class="card inline-form" onSubmit={create} aria-label="New token">
        <label>
          Name <input name="name" required maxLength={100} />
        </label>
        <label>
          Role
          <select name="role">
            <option value="write">write</option>
            <option value="read">read</option>
          </select>
        </label>
        <button type="submit" disabled={action.busy}>
          Create token
        </button>
      </form>
      {fresh && (
        <div class="card warning" role="region" aria-label="New token value">
          <p>
            Token <strong>{fresh.name}</strong>: copy it now, it will not be shown again.
          </p>
          <p class="mono" data-testid="token-value">
            {fresh.token}
          </p>
          <div class="actions">
            <button type="button" onClick={() => void navigator.clipboard?.writeText(fresh.token).then(() => setCopied(true))}>
              {copied ? 'Copied' : 'Copy'}
            </button>
            <button type="button" class="secondary" onClick={() => setFresh(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={action.error} />
      <Show state={tokens}>
        {(t) => (
          <Table
            label="Tokens"
            head={['Name', 'Role', 'Created', 'Last used', '']}
            rows={t.tokens}
            row={(tok) => (
              <>
                <td>{tok.name}</td>
                <td>{tok.role}</td>
                <td>{formatDate(tok.created_at)}</td>
                <td>{formatDate(tok.last_used)}</td>
                <td>
                  <ConfirmButton label="Revoke" confirmLabel={`Revoke ${tok.name}`} disabled={action.busy} onConfirm={() => void revoke(tok.id)} />
                </td>
              </>
            )}
          />
        )}
      </Show>
    </>
  );
}
