import { call, hubApi } from '../../api/client';
import type { components } from '../../api/schema';
import { formatDate } from '../../lib/format';
import { renderMarkdown } from '../../lib/markdown';
import { navigate, useLocation } from '../../lib/router';
import { ErrorBox, Show, useAction, useAsync } from '../../lib/ui';
import { commitPath, kindPath, repoId, repoParams as base, repoPath, type RepoRef } from '../repo-api';
import { useMe } from '../session';

type Event = components['schemas']['DiscussionEventDto'];
type Status = 'open' | 'closed';

const discussionsPath = (r: RepoRef) => `${repoPath(r)}/discussions`;

/** `/{id}/discussions` (the list, or `new`) and `/{id}/discussions/{num}` (a thread). */
export function DiscussionsView({ repo, view }: { repo: RepoRef; view: string[] }) {
  const [num] = view;
  if (num === 'new') return <NewDiscussion repo={repo} />;
  if (num && /^\d+$/.test(num)) return <DiscussionThread repo={repo} num={Number(num)} />;
  if (num) return <p class="error">No such page.</p>;
  return <DiscussionList repo={repo} />;
}

function DiscussionList({ repo }: { repo: RepoRef }) {
  const me = useMe();
  const status: Status = useLocation().query.get('status') === 'closed' ? 'closed' : 'open';
  const list = useAsync(
    () => call(hubApi.GET(kindPath(repo, '/api/models/{namespace}/{repo}/discussions'), { params: { path: base(repo), query: { status } } })),
    [repoId(repo), repo.kind, status],
  );
  return (
    <section aria-label="Discussions">
      <div class="actions">
        <nav class="tabs" aria-label="Discussion status">
          {(['open', 'closed'] as Status[]).map((s) => (
            <a href={`${discussionsPath(repo)}?status=${s}`} aria-current={s === status ? 'page' : undefined}>
              {s === 'open' ? 'Open' : 'Closed'}
            </a>
          ))}
        </nav>
        {me && <a href={`${discussionsPath(repo)}/new`}>New discussion</a>}
      </div>
      <Show state={list}>
        {(l) =>
          l.discussions.length === 0 ? (
            <p class="hint">No {status} discussions.</p>
          ) : (
            <ul class="repo-list" aria-label={`${status === 'open' ? 'Open' : 'Closed'} discussions`}>
              {l.discussions.map((d) => (
                <li>
                  <a href={`${discussionsPath(repo)}/${d.num}`}>{d.title}</a> <span class="badge">{d.isPullRequest ? 'pull request' : 'discussion'}</span>{' '}
                  <span class="badge">{d.status}</span>
                  <p class="hint">
                    #{d.num} by {d.author?.name ?? 'deleted user'} · {formatDate(d.createdAt)} · {d.numComments} comments
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
    </section>
  );
}

function NewDiscussion({ repo }: { repo: RepoRef }) {
  const action = useAction();
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    void action.run(async () => {
      const created = await call(
        hubApi.POST(kindPath(repo, '/api/models/{namespace}/{repo}/discussions'), {
          params: { path: base(repo) },
          body: { title: String(form.get('title')).trim(), description: String(form.get('description') ?? ''), pullRequest: form.get('pullRequest') === 'on' },
        }),
      );
      navigate(`${discussionsPath(repo)}/${created.num}`);
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-label="New discussion">
      <label>
        Title <input name="title" required maxLength={200} />
      </label>
      <label>
        Description (Markdown) <textarea name="description" rows={6} />
      </label>
      <label class="check">
        <input type="checkbox" name="pullRequest" /> Open a draft pull request (push to refs/pr/N)
      </label>
      <ErrorBox error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy}>
          Create discussion
        </button>
      </div>
    </form>
  );
}

function DiscussionThread({ repo, num }: { repo: RepoRef; num: number }) {
  const me = useMe();
  const path = { ...base(repo), num };
  const thread = useAsync(() => call(hubApi.GET(kindPath(repo, '/api/models/{namespace}/{repo}/discussions/{num}'), { params: { path, query: { diff: true } } })), [repoId(repo), repo.kind, num]);
  const action = useAction();
  const comment = (e: SubmitEvent) => {
    e.preventDefault();
    const formEl = e.currentTarget as HTMLFormElement;
    const text = String(new FormData(formEl).get('comment') ?? '');
    void action.run(async () => {
      await call(hubApi.POST(kindPath(repo, '/api/models/{namespace}/{repo}/discussions/{num}/comment'), { params: { path }, body: { comment: text } }));
      formEl.reset();
      thread.reload();
    });
  };
  const setStatus = (status: Status) =>
    action.run(async () => {
      await call(hubApi.POST(kindPath(repo, '/api/models/{namespace}/{repo}/discussions/{num}/status'), { params: { path }, body: { status } }));
      thread.reload();
    });
  return (
    <Show state={thread}>
      {(d) => (
        <section aria-label="Discussion">
          <p>
            <a href={discussionsPath(repo)}>← All discussions</a>
          </p>
          <h2>
            {d.title} <span class="hint">#{d.num}</span>
          </h2>
          <p class="hint">
            <span class="badge">{d.isPullRequest ? 'pull request' : 'discussion'}</span> <span class="badge">{d.status}</span> opened by {d.author?.name ?? 'deleted user'} ·{' '}
            {formatDate(d.createdAt)}
            {d.isPullRequest && (
              <>
                {' '}
                · push to <span class="mono">refs/pr/{d.num}</span>
              </>
            )}
          </p>
          {d.isPullRequest && <PullRequestChanges repo={repo} pr={d} />}
          <ol class="thread" aria-label="Comments">
            {(d.events ?? []).map((ev) => (
              <ThreadEvent ev={ev} />
            ))}
          </ol>
          <ErrorBox error={action.error} />
          {me && (
            <>
              <form class="card" onSubmit={comment} aria-label="New comment">
                <label>
                  Comment (Markdown) <textarea name="comment" rows={4} required />
                </label>
                <div class="actions">
                  <button type="submit" disabled={action.busy}>
                    Comment
                  </button>
                  {d.status === 'open' || d.status === 'draft' ? (
                    <button type="button" class="secondary" disabled={action.busy} onClick={() => void setStatus('closed')}>
                      Close
                    </button>
                  ) : d.status === 'closed' ? (
                    <button type="button" class="secondary" disabled={action.busy} onClick={() => void setStatus('open')}>
                      Reopen
                    </button>
                  ) : null}
                </div>
              </form>
            </>
          )}
        </section>
      )}
    </Show>
  );
}

function ThreadEvent({ ev }: { ev: Event }) {
  const data = (ev.data ?? {}) as Record<string, unknown>;
  const who = ev.author?.name ?? 'deleted user';
  if (ev.type === 'comment') {
    const latest = (data.latest ?? {}) as { raw?: string };
    return (
      <li class="card">
        <p class="hint">
          <strong>{who}</strong> · {formatDate(ev.createdAt)}
          {data.edited ? ' · edited' : ''}
        </p>
        {data.hidden ? (
          <p class="hint">This comment was hidden.</p>
        ) : (
          // The HTML comes from renderMarkdown (as the README): raw HTML escaped, unsafe URLs dropped.
          <div class="markdown" aria-label={`Comment by ${who}`} role="article" dangerouslySetInnerHTML={{ __html: renderMarkdown(latest.raw ?? '') }} />
        )}
      </li>
    );
  }
  const text =
    ev.type === 'status-change'
      ? `changed the status to ${String(data.status)}`
      : ev.type === 'title-change'
        ? `changed the title from “${String(data.from)}” to “${String(data.to)}”`
        : `pushed ${String(data.subject ?? '')}`;
  return (
    <li class="hint">
      <strong>{who}</strong> {text} · {formatDate(ev.createdAt)}
    </li>
  );
}

type Details = components['schemas']['DiscussionDetailsDto'];

/** A pull request's target, head commit, conflicts and its diff against the merge base (git's unified diff, shown as text). */
function PullRequestChanges({ repo, pr }: { repo: RepoRef; pr: Details }) {
  const head = pr.changes?.head;
  return (
    <section class="card" aria-label="Changes">
      <p class="hint">
        Into <span class="mono">{pr.changes?.base ?? 'refs/heads/main'}</span>
        {head ? (
          <>
            {' '}
            from <a href={commitPath(repo, head)}>{head.slice(0, 12)}</a>
          </>
        ) : null}
      </p>
      {(pr.filesWithConflicts ?? []).length > 0 && <ErrorBox error={`Conflicts in: ${(pr.filesWithConflicts ?? []).join(', ')}`} />}
      {pr.diff ? (
        <pre class="diff" aria-label="Diff">
          {pr.diff.split('\n').map((line) => (
            <span class={line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : 'ctx'}>{line}</span>
          ))}
        </pre>
      ) : (
        <p class="hint">
          No changes yet: push commits to <span class="mono">refs/pr/{pr.num}</span>.
        </p>
      )}
    </section>
  );
}
