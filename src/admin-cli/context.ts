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

/** The API's form of a quota flag: null for no limit. */
export function quota(v: Bytes): number | null {
  return v === 'none' ? null : v;
}

export function list(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}
