import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { run } from '../context';

/** The read-only database console: `hangar-admin db ...`. */
export function registerDatabase(program: Command): void {
  const db = program.command('db').alias('database').description('the read-only database console');

  db.command('tables')
    .description('tables with their columns')
    .action(
      run(async ({ client, out }) => {
        const res = await client.get<{ tables: Record<string, unknown>[] }>('/admin/api/database/tables');
        out.table(res.tables, ['name', 'column_count'], res);
      }),
    );

  db.command('templates')
    .description('ready-made queries')
    .action(
      run(async ({ client, out }) => {
        const res = await client.get<{ templates: Record<string, unknown>[] }>('/admin/api/database/templates');
        out.table(res.templates, ['name', 'description', 'sql'], res);
      }),
    );

  db.command('query [sql]')
    .description('run one SELECT (read only, 10 s, at most 1000 rows); "-" or --file reads it from stdin or a file')
    .option('--file <path>', 'read the SQL from this file')
    .action(
      run(async ({ client, out }, sql: string | undefined, o: { file?: string }) => {
        const text = o.file ? readFileSync(o.file, 'utf8') : sql === '-' || sql === undefined ? readFileSync(0, 'utf8') : sql;
        const res = await client.post<{ columns: string[]; rows: Record<string, unknown>[]; truncated?: boolean }>('/admin/api/database/query', { sql: text });
        out.table(res.rows, res.columns, res);
        if (!out.json && res.truncated) out.line('(truncated at the row limit)');
      }),
    );
}
