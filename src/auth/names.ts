import { BadRequestError, ConflictError } from '../core/errors/domain-error';

/**
 * Names of users and organizations, as on the public hub: 2–42 characters of letters, digits,
 * `-`, `_` and `.`, starting and ending with a letter or digit, without `--` or `..`.
 * Names that would shadow a route or a reserved word are refused.
 */
const NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,40}[A-Za-z0-9])?$/;

export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  'admin', 'administrator', 'api', 'assets', 'auth', 'blog', 'collections', 'datasets', 'docs',
  'health', 'hangar', 'help', 'huggingface', 'join', 'login', 'logout', 'me', 'metrics', 'models',
  'new', 'none', 'null', 'org', 'organizations', 'orgs', 'papers', 'pricing', 'root', 'settings',
  'signup', 'spaces', 'static', 'storage', 'support', 'system', 'undefined', 'user', 'users',
]);

export type NameProblem = 'InvalidName' | 'ReservedName' | null;

export function nameProblem(name: string): NameProblem {
  if (name.length < 2 || !NAME_PATTERN.test(name) || name.includes('--') || name.includes('..')) {
    return 'InvalidName';
  }
  if (RESERVED_NAMES.has(name.toLowerCase())) return 'ReservedName';
  return null;
}

export function assertValidName(name: string, what: 'Username' | 'Organization name'): void {
  const problem = nameProblem(name);
  if (problem === 'InvalidName') {
    throw new BadRequestError(
      `${what} "${name.slice(0, 64)}" is invalid: use 2-42 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, without '--' or '..'`,
      'InvalidName',
    );
  }
  if (problem === 'ReservedName') {
    throw new BadRequestError(`${what} "${name}" is reserved`, 'ReservedName');
  }
}

export function nameTakenError(name: string): ConflictError {
  return new ConflictError(`The name "${name}" is already taken by a user or an organization`, 'NameTaken');
}
