import type { Command } from 'commander';
import { int, run } from '../context';
import { p } from '../http-client';

const REPO_COLUMNS = ['repo_type', 'full_id', 'private', 'owner_username', 'used_bytes', 'quota_bytes', 'percentage_used', 'created_at'];

/** Repositories: `hangar-admin repos ...`. */
export function registerRepositories(program: Command): void {
  const repos = program.command('repos').alias('repositories').description('repositories, their files, storage and access grants');
  const path = (type: string, ns: string, name: string) => p`/admin/api/repositories/${type}/${ns}/${name}`;

  repos
    .command('list')
    .description('list repositories')
    .option('--search <text>', 'substring of the id')
    .option('--type <type>', 'model, dataset or space')
    .option('--namespace <ns>', 'one namespace')
    .option('--limit <n>', 'page size', int)
    .option('--offset <n>', 'skip this many', int)
    .action(
      run(async ({ client, out }, o: { search?: string; type?: string; namespace?: string; limit?: number; offset?: number }) => {
        const res = await client.get<{ repositories: Record<string, unknown>[] }>('/admin/api/repositories', {
          search: o.search,
          repo_type: o.type,
          namespace: o.namespace,
          limit: o.limit,
          offset: o.offset,
        });
        out.table(res.repositories, REPO_COLUMNS, res);
      }),
    );

  repos
    .command('get <type> <namespace> <name>')
    .description("a repository's details (file and commit counts, size, usage)")
    .action(run(async ({ client, out }, type: string, ns: string, name: string) => out.record(await client.get(path(type, ns, name)))));

  repos
    .command('files <type> <namespace> <name>')
    .description('files at a ref')
    .option('--ref <ref>', 'branch, tag or commit', 'main')
    .action(
      run(async ({ client, out }, type: string, ns: string, name: string, o: { ref: string }) => {
        const res = await client.get<{ files: Record<string, unknown>[] }>(`${path(type, ns, name)}/files`, { ref: o.ref });
        out.table(res.files, ['path', 'size', 'is_lfs', 'sha256', 'version_count'], res);
      }),
    );

  repos
    .command('storage <type> <namespace> <name>')
    .description('storage breakdown: regular vs LFS bytes, unique objects, dedup savings')
    .action(run(async ({ client, out }, type: string, ns: string, name: string) => out.record(await client.get(`${path(type, ns, name)}/storage-breakdown`))));

  repos
    .command('recalculate-all')
    .description("recount every repository's storage usage")
    .option('--type <type>', 'only this repository type')
    .option('--namespace <ns>', 'only this namespace')
    .action(run(async ({ client, out }, o: { type?: string; namespace?: string }) => out.record(await client.post('/admin/api/repositories/recalculate-all', undefined, { repo_type: o.type, namespace: o.namespace }))));

  repos
    .command('grants <type> <namespace> <name>')
    .description("who has a per-repository role")
    .action(
      run(async ({ client, out }, type: string, ns: string, name: string) => {
        const res = await client.get<unknown>(`${path(type, ns, name)}/access`);
        const rows = Array.isArray(res) ? res : ((res as { grants?: Record<string, unknown>[] }).grants ?? []);
        out.table(rows as Record<string, unknown>[], undefined, res);
      }),
    );

  repos
    .command('grant <type> <namespace> <name> <username> <role>')
    .description('grant (or change) a user’s role on a repository')
    .action(run(async ({ client, out }, type: string, ns: string, name: string, username: string, role: string) => out.record(await client.post(`${path(type, ns, name)}/access`, { username, role }))));

  repos
    .command('revoke <type> <namespace> <name> <username>')
    .description("remove a user's role on a repository")
    .action(run(async ({ client, out }, type: string, ns: string, name: string, username: string) => out.record(await client.delete(`${path(type, ns, name)}/access/${encodeURIComponent(username)}`))));
}
