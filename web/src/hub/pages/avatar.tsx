import { useState } from 'preact/hooks';
import { call, hubApi } from '../../api/client';
import { ConfirmButton, ErrorBox, useAction } from '../../lib/ui';
import type { Me } from '../session';

/** Upload a picture (the server crops and re-encodes it) or remove it (the generated avatar shows again). */
export function AvatarSettings({ me }: { me: Me }) {
  const action = useAction();
  // The avatar URL stays the same across changes; the counter makes the browser fetch it again.
  const [version, setVersion] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const path = { username: me.username };
  const upload = (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const file = new FormData(formEl).get('file');
    if (!(file instanceof File) || file.size === 0) return action.setError('Choose an image first.');
    void action.run(async () => {
      setNote(null);
      await call(
        hubApi.POST('/api/users/{username}/avatar', {
          params: { path },
          // The schema types a binary part as a string; the browser sends the File itself.
          body: { file: file as unknown as string },
          bodySerializer: (body) => {
            const data = new FormData();
            data.append('file', body.file as unknown as Blob);
            return data;
          },
        }),
      );
      formEl.reset();
      setVersion((v) => v + 1);
      setNote('Avatar uploaded.');
    });
  };
  const remove = () =>
    action.run(async () => {
      setNote(null);
      await call(hubApi.DELETE('/api/users/{username}/avatar', { params: { path } }));
      setVersion((v) => v + 1);
      setNote('Avatar removed.');
    });
  return (
    <section class="card" aria-label="Avatar">
      <h2>Avatar</h2>
      <div class="inline-form">
        <img class="avatar" src={`/api/users/${encodeURIComponent(me.username)}/avatar?v=${version}`} alt={`Avatar of ${me.username}`} width={96} height={96} />
        <form class="inline-form" onSubmit={upload} aria-label="Upload avatar">
          <label>
            Image (JPEG, PNG, WebP or GIF, at most 10 MB) <input type="file" name="file" accept="image/jpeg,image/png,image/webp,image/gif" required />
          </label>
          <button type="submit" disabled={action.busy}>
            Upload
          </button>
          <ConfirmButton label="Remove avatar" confirmLabel="Remove it" disabled={action.busy} onConfirm={() => void remove()} />
        </form>
      </div>
      <ErrorBox error={action.error} />
      {note && (
        <p class="ok" role="status">
          {note}
        </p>
      )}
    </section>
  );
}
