import { useState } from 'preact/hooks';
import { call } from '../../api/client';
import { ErrorBox, Show, useAction, useAsync } from '../../lib/ui';
import { adminApi } from '../session';

const runQuery = (sql: string) => call(adminApi.POST('/admin/api/database/query', { body: { sql } }));
type Result = Awaited<ReturnType<typeof runQuery>>;

/** The read-only query console: the server runs the SQL in a read-only role with limits. */
export function ConsolePage() {
  const templates = useAsync(() => call(adminApi.GET('/admin/api/database/templates')), []);
  const [sql, setSql] = useState('');
  const [result, setResult] = useState<Result | null>(null);
  const action = useAction();
  const run = (e: Event) => {
    e.preventDefault();
    void action.run(async () => setResult(await runQuery(sql)));
  };
  return (
    <>
      <h1>Query console</h1>
      <form class="card" onSubmit={run} aria-label="Query">
        <Show state={templates}>
          {(t) => (
            <label>
              Template
              <select onChange={(e) => e.currentTarget.value && setSql(e.currentTarget.value)}>
                <option value="">—</option>
                {t.templates.map((q) => (
                  <option value={q.sql}>{q.name}</option>
                ))}
              </select>
            </label>
          )}
        </Show>
        <label>
          SQL (read-only)
          <textarea rows={6} class="mono" required placeholder="SELECT … (or pick a template)" value={sql} onInput={(e) => setSql(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit" disabled={action.busy}>
            Run
          </button>
        </div>
        <ErrorBox error={action.error} />
      </form>
      {result && (
        <>
          <p class="hint">
            {result.count} row{result.count === 1 ? '' : 's'}
            {result.truncated ? ' (truncated)' : ''}
          </p>
          <div class="table-wrap">
            <table aria-label="Result">
              <thead>
                <tr>
                  {result.columns.map((c) => (
                    <th>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row) => (
                  <tr>
                    {result.columns.map((c) => (
                      <td class="mono">{cell((row as Record<string, unknown>)[c])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
