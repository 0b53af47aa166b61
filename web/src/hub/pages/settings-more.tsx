import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { formatDate } from '../../lib/format';
import { ConfirmButton, ErrorBox, Show, Table, useAction, useAsync } from '../../lib/ui';
import type { Me } from '../session';

export function ProfileSettings({ me }: { me: Me }) {
  const profile = useAsync(() => call(hubApi.GET('/api/users/{username}/overview', { params: { path: { username: me.username } } })), [me.username]);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(form.get(k) ?? '');
    void action.run(async () => {
      await call(hubApi.PUT('/api/users/{username}/settings', { params: { path: { username: me.username } }, body: { full_name: text('full_name'), bio: text('bio'), website: text('website') } }));
      setSaved(true);
      profile.reload();
    });
  };
  return (
    <Show state={profile}>
      {(p) => (
        <form class="card" onSubmit={submit} aria-label="Profile" onInput={() => setSaved(false)}>
          <label>
            Full name <input name="full_name" value={p.fullname ?? ''} maxLength={128} />
          </label>
          <label>
            Bio <textarea name="bio" rows={3} value={p.bio ?? ''} />
          </label>
          <label>
            Website <input name="website" type="url" value={p.website ?? ''} />
          </label>
          <ErrorBox error={action.error} />
          <div class="actions">
            <button type="submit" disabled={action.busy}>
              Save profile
            </button>
            {saved && <span class="ok">Saved.</span>}
            <a href={`/${encodeURIComponent(me.username)}`}>View your page</a>
          </div>
        </form>
      )}
    </Show>
  );
}

export function SshKeySettings() {
  const keys = useAsync(() => call(hubApi.GET('/api/user/keys')), []);
  const action = useAction();
  const add = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      await call(hubApi.POST('/api/user/keys', { body: { title: String(form.get('title')), key: String(form.get('key')).trim() } }));
      (e.target as HTMLFormElement).reset();
      keys.reload();
    });
  };
  const remove = (id: number) =>
    action.run(async () => {
      await call(hubApi.DELETE('/api/user/keys/{id}', { params: { path: { id: String(id) } } }));
      keys.reload();
    });
  return (
    <>
      <form class="card" onSubmit={add} aria-label="New SSH key">
        <label>
          Title <input name="title" required />
        </label>
        <label>
          Public key <textarea name="key" rows={3} required class="mono" placeholder="ssh-ed25519 AAAA… you@laptop" />
        </label>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Add key
          </button>
        </div>
      </form>
      <ErrorBox error={action.error} />
      <Show state={keys}>
        {(list) => (
          <Table
            label="SSH keys"
            head={['Title', 'Fingerprint', 'Added', '']}
            rows={list}
            row={(k) => (
              <>
                <td>{k.title}</td>
                <td class="mono">{k.fingerprint}</td>
                <td>{formatDate(k.created_at)}</td>
                <td>
                  <ConfirmButton label="Delete" confirmLabel={`Delete ${k.title}`} disabled={action.busy} onConfirm={() => void remove(k.id)} />
                </td>
              </>
            )}
          />
        )}
      </Show>
    </>
  );
}

export function OrgSettings({ me }: { me: Me }) {
  const orgs = useAsync(() => call(hubApi.GET('/org/users/{username}/orgs', { params: { path: { username: me.username } } })), [me.username]);
  const action = useAction();
  const create = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      await call(hubApi.POST('/org/create', { body: { name: String(form.get('name')).trim(), fullname: String(form.get('fullname') ?? '') || undefined } }));
      (e.target as HTMLFormElement).reset();
      orgs.reload();
    });
  };
  return (
    <>
      <form class="card inline-form" onSubmit={create} aria-label="New organization">
        <label>
          Name <input name="name" required />
        </label>
        <label>
          Display name <input name="fullname" />
        </label>
        <button type="submit" disabled={action.busy}>
          Create organization
        </button>
      </form>
      <ErrorBox error={action.error} />
      <Show state={orgs}>
        {(o) => (
          <Table
            label="Your organizations"
            head={['Organization', 'Your role']}
            rows={o.organizations}
            row={(org) => (
              <>
                <td>
                  <a href={`/${encodeURIComponent(org.name)}`}>{org.name}</a>
                </td>
                <td>{org.role}</td>
              </>
            )}
          />
        )}
      </Show>
    </>
  );
}
