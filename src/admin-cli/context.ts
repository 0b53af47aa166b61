import { Command, InvalidArgumentError } from 'commander';
import { CliError, EXIT } from './exit-codes';
import { AdminClient } from './http-client';
import { Output } from './output';

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
}

export interface Ctx {
  client: AdminClient;
  out: Output;
}

/**
 * Wraps a command's work: builds the client from the global options (flags over HANGAR_URL /
 * HANGAR_ADMIN_TOKEN) and the output mode, then runs it. `args` are commander's positional
 * arguments followed by the options object.
 */
export function run<A extends unknown[]>(work: (ctx: Ctx, ...args: A) => Promise<void>) {
  return async (...all: unknown[]) => {
    const cmd = all[all.length - 1] as Command;
    const g = cmd.optsWithGlobals<GlobalOptions>();
    const token = g.token ?? process.env.HANGAR_ADMIN_TOKEN;
    if (!token) throw new CliError('no admin token: pass --token or set HANGAR_ADMIN_TOKEN', EXIT.usage);
    const url = g.url ?? process.env.HANGAR_URL ?? 'http://localhost:3000';
    await work({ client: new AdminClient({ url, token }), out: new Output(Boolean(g.json)) }, ...(all.slice(0, -1) as A));
  };
}

export function int(value: string): number {
  if (!/^-?\d{1,15}$/.test(value)) throw new InvalidArgumentError('not an integer');
  return Number(value);
}

export type Bytes = number | 'none';

/** A byte count, or `none` for no limit (commander turns a parsed null into '', so `none` stays a word until `quota()`). */
export function bytesOrNone(value: string): Bytes {
  if (value === 'none' || value === 'unlimited') return 'none';
  if (!/^\d{1,16}$/.test(value)) throw new InvalidArgumentError('a number of bytes, or "none"');
  return Number(value);
}

function quota(v: Bytes): number | null {
  return v === 'none' ? null : v;
}

/**
 * `<usage> --private <bytes> --public <bytes>`: PUTs both quotas to `path(name)` (the user route
 * and the namespace route take the same body).
 */
export function addSetQuota(parent: Command, usage: string, description: string, path: (name: string) => string): void {
  parent
    .command(usage)
    .description(description)
    .requiredOption('--private <bytes>', 'private quota (bytes or "none")', bytesOrNone)
    .requiredOption('--public <bytes>', 'public quota (bytes or "none")', bytesOrNone)
    .action(
      run(async ({ client, out }, name: string, o: { private: Bytes; public: Bytes }) =>
        out.record(await client.put(path(name), { private_quota_bytes: quota(o.private), public_quota_bytes: quota(o.public) })),
      ),
    );
}

/** The API's form of an optional quota flag: absent, a number, or null for no limit. */
export function optionalQuota(key: string, v: Bytes | undefined): Record<string, number | null> {
  return v === undefined ? {} : { [key]: quota(v) };
}

export function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}
