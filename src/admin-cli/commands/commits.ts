import type { Command } from 'commander';
import { int, run } from '../context';

/** Commits across every repository: `hangar-admin commits list`. */
export function registerCommits(program: Command): void {
  program
    .command('commits')
    .description('commits across all repositories')
    .command('list')
    .description('list commits, newest first')
    .option('--repo <namespace/name>', 'one repository')
    .option('--type <type>', 'model, dataset or space')
    .option('--user <username>', 'one author')
    .option('--sort <column>', 'sort column')
    .option('--order <asc|desc>', 'sort order')
    .option('--limit <n>', 'page size', int)
    .option('--offset <n>', 'skip this many', int)
    .action(
      run(async ({ client, out }, o: { repo?: string; type?: string; user?: string; sort?: string; order?: string; limit?: number; offset?: number }) => {
        const res = await client.get<{ commits: Record<string, unknown>[] }>('/admin/api/commits', {
          repo_full_id: o.repo,
          repo_type: o.type,
          username: o.user,
          sort: o.sort,
          order: o.order,
          limit: o.limit,
          offset: o.offset,
        });
        out.table(res.commits, ['commit_id', 'repo_full_id', 'branch', 'username', 'message', 'created_at'], res);
      }),
    );
}
