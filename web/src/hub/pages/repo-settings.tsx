import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { ErrorBox, useAction } from '../../lib/ui';
import type { RepoInfo, RepoRef } from '../repo-api';

/** Visibility and gating, for those who may administer the repository (the API decides). */
export function RepoSettingsView({ repo, info, onSaved }: { repo: RepoRef; info: RepoInfo; onSaved: () => void }) {
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const gated = String(form.get('gated'));
    const path = `/api/${repo.kind}/{namespace}/{repo}/settings` as '/api/models/{namespace}/{repo}/settings';
    void action.run(async () => {
      await call(
        hubApi.PUT(path, {
          params: { path: { namespace: repo.namespace, repo: repo.name } },
          body: { private: form.get('visibility') === 'private', gated: gated === 'false' ? false : (gated as 'auto' | 'manual') },
        }),
      );
      setSaved(true);
      onSaved();
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-label="Repository settings" onInput={() => setSaved(false)}>
      <fieldset>
        <legend>Visibility</legend>
        <label class="check">
          <input type="radio" name="visibility" value="public" checked={!info.private} /> Public: anyone can read it
        </label>
        <label class="check">
          <input type="radio" name="visibility" value="private" checked={!!info.private} /> Private: only you, your organization and people you grant
        </label>
      </fieldset>
      <label>
        Gated access
        <select name="gated" value={info.gated === false || info.gated === undefined ? 'false' : String(info.gated)}>
          <option value="false">off</option>
          <option value="auto">on, approved automatically</option>
          <option value="manual">on, approved by hand</option>
        </select>
      </label>
      <ErrorBox error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          Save settings
        </button>
        {saved && <span class="ok">Saved.</span>}
      </div>
    </form>
  );
}
