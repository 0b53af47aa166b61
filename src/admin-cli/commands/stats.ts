import type { Command } from 'commander';
import { int, run } from '../context';

/** Statistics and search: `hangar-admin stats ...`, `hangar-admin search <q>`. */
export function registerStats(program: Command): void {
  const stats = program.command('stats').description('statistics');

  stats
    .command('basic', { isDefault: true })
    .description('users, organizations, repositories')
    .action(run(async ({ client, out }) => out.record(await client.get('/admin/api/stats'))));

  stats
    .command('detailed')
    .description('users, repositories, commits, LFS and storage in detail')
    .action(run(async ({ client, out }) => out.record(await client.get('/admin/api/stats/detailed'))));

  stats
    .command('timeseries')
    .description('new repositories, commits and users per day')
    .option('--days <n>', 'days back (at most 365)', int)
    .action(run(async ({ client, out }, o: { days?: number }) => out.record(await client.get('/admin/api/stats/timeseries', { days: o.days }))));

  stats
    .command('top-repos')
    .description('top repositories by commits or size')
    .option('--by <commits|size>', 'ranking', 'commits')
    .option('--limit <n>', 'how many', int)
    .action(
      run(async ({ client, out }, o: { by: string; limit?: number }) => {
        const res = await client.get<{ top_repositories: Record<string, unknown>[] }>('/admin/api/stats/top-repos', { by: o.by, limit: o.limit });
        out.table(res.top_repositories, undefined, res);
      }),
    );

  program
    .command('search <query>')
    .description('search users, repositories and commits')
    .option('--types <list>', 'users,repos,commits')
    .option('--limit <n>', 'most results per type', int)
    .action(
      run(async ({ client, out }, q: string, o: { types?: string; limit?: number }) => {
        const res = await client.get<{ results: Record<string, Record<string, unknown>[]> }>('/admin/api/search', { q, types: o.types, limit: o.limit });
        if (out.json) return out.raw(res);
        for (const [kind, rows] of Object.entries(res.results ?? {})) {
          out.line(`${kind[0].toUpperCase()}${kind.slice(1)}:`);
          out.table(rows);
        }
      }),
    );
}
