import type { Command } from 'commander';
import { int, list, run } from '../context';
import { p } from '../http-client';

const COLUMNS = ['id', 'name', 'source_type', 'url', 'namespace', 'priority', 'enabled', 'token', 'allow_patterns', 'deny_patterns'];

interface SourceFlags {
  url?: string;
  name?: string;
  type?: string;
  namespace?: string;
  token?: string;
  clearToken?: boolean;
  priority?: number;
  enabled?: boolean;
  allow?: string[];
  deny?: string[];
}

/** The request body of add/update: only the flags given. */
function body(o: SourceFlags): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (o.url !== undefined) b.url = o.url;
  if (o.name !== undefined) b.name = o.name;
  if (o.type !== undefined) b.source_type = o.type;
  if (o.namespace !== undefined) b.namespace = o.namespace;
  if (o.token !== undefined) b.token = o.token;
  if (o.clearToken) b.token = null;
  if (o.priority !== undefined) b.priority = o.priority;
  if (o.enabled !== undefined) b.enabled = o.enabled;
  if (o.allow !== undefined) b.allow_patterns = o.allow;
  if (o.deny !== undefined) b.deny_patterns = o.deny;
  return b;
}

function sourceOptions(cmd: Command, required: boolean): Command {
  const opt = (flags: string, what: string, parse?: (v: string, prev: never) => unknown) =>
    required && ['--url <url>', '--name <name>', '--type <type>'].includes(flags) ? cmd.requiredOption(flags, what, parse as never) : cmd.option(flags, what, parse as never);
  opt('--url <url>', 'base URL of the upstream hub');
  opt('--name <name>', 'display name');
  opt('--type <type>', 'huggingface, hangar or kohakuhub');
  opt('--namespace <ns>', 'serve only this namespace ("" = global)');
  opt('--token <token>', 'token for the upstream (stored encrypted, shown masked)');
  opt('--priority <n>', 'higher is asked first', int);
  opt('--allow <patterns>', 'only repositories matching (e.g. meta-llama/*; repeat or comma-separate)', list);
  opt('--deny <patterns>', 'never repositories matching', list);
  cmd.option('--enable', 'enable it').option('--disable', 'disable it');
  return cmd;
}

function flags(o: SourceFlags & { enable?: boolean; disable?: boolean }): SourceFlags {
  return { ...o, enabled: o.disable ? false : o.enable ? true : undefined };
}

/** Upstream hubs: `hangar-admin fallback ...`. */
export function registerFallback(program: Command): void {
  const fb = program.command('fallback').description('fallback sources (upstream hubs)');

  fb.command('list')
    .description('list sources, highest priority first')
    .option('--namespace <ns>', 'only this namespace ("" = global)')
    .option('--enabled <bool>', 'only enabled (true) or disabled (false)')
    .action(
      run(async ({ client, out }, o: { namespace?: string; enabled?: string }) => {
        const res = await client.get<Record<string, unknown>[]>('/admin/api/fallback-sources', { namespace: o.namespace, enabled: o.enabled });
        out.table(res, COLUMNS);
      }),
    );

  fb.command('get <id>')
    .description('one source')
    .action(run(async ({ client, out }, id: string) => out.record(await client.get(p`/admin/api/fallback-sources/${id}`))));

  sourceOptions(fb.command('add').description('add a source'), true).action(
    run(async ({ client, out }, o: SourceFlags & { enable?: boolean; disable?: boolean }) => out.record(await client.post('/admin/api/fallback-sources', body(flags(o))))),
  );

  sourceOptions(fb.command('update <id>').description('change a source (only the flags given)'), false)
    .option('--clear-token', 'remove its token')
    .action(run(async ({ client, out }, id: string, o: SourceFlags & { enable?: boolean; disable?: boolean }) => out.record(await client.put(p`/admin/api/fallback-sources/${id}`, body(flags(o))))));

  fb.command('delete <id>')
    .description('delete a source')
    .action(
      run(async ({ client, out }, id: string) => {
        const res = await client.delete<{ message: string }>(p`/admin/api/fallback-sources/${id}`);
        out.message(res.message, res);
      }),
    );

  fb.command('cache-stats')
    .description('fallback cache figures')
    .action(run(async ({ client, out }) => out.record(await client.get('/admin/api/fallback-sources/cache/stats'))));

  fb.command('cache-clear')
    .description('clear the fallback cache')
    .action(
      run(async ({ client, out }) => {
        const res = await client.delete<{ message: string }>('/admin/api/fallback-sources/cache/clear');
        out.message(res.message, res);
      }),
    );

  fb.command('available')
    .description('the public list of enabled global sources')
    .action(run(async ({ client, out }) => out.table(await client.get<Record<string, unknown>[]>('/api/fallback-sources/available'))));
}
