import { BadRequestError } from '../core/errors/domain-error';

/** Repository names as on the public hub: 1-96 of letters, digits, `-`, `_`, `.`; no `--`/`..`; no `-`/`.` at either end. */
const REPO_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

export function assertValidRepoName(name: string): void {
  if (!REPO_NAME.test(name) || name.includes('--') || name.includes('..') || name.endsWith('.git')) {
    throw new BadRequestError(
      `Invalid repository name "${name.slice(0, 100)}": use 1-96 letters, digits, '-', '_' or '.', without '--' or '..', not starting or ending with '-' or '.'`,
      'InvalidRepoName',
    );
  }
}

/** Splits "ns/name" (or "name" with a separate namespace) into its parts. */
export function splitRepoId(id: string, fallbackNamespace?: string | null): { namespace: string; name: string } {
  const parts = id.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  if (parts.length === 1 && fallbackNamespace) return { namespace: fallbackNamespace, name: parts[0] };
  throw new BadRequestError(`Invalid repository id "${id.slice(0, 200)}": expected "namespace/name"`, 'InvalidRepoId');
}
