import { BadRequestError, ConflictError, DomainError, NotFoundError } from '../../core/errors/domain-error';

export const revisionNotFound = (rev: string) => new NotFoundError(`Revision "${rev.slice(0, 200)}" not found`, 'RevisionNotFound');

export const entryNotFound = (path: string, rev: string) =>
  new NotFoundError(`Entry "${path.slice(0, 500)}" not found at revision "${rev.slice(0, 200)}"`, 'EntryNotFound');

export const parentCommitMismatch = (given: string, head: string) =>
  new DomainError(412, 'PreconditionFailed', `parentCommit ${given.slice(0, 40)} is not the head of the branch (${head}); fetch and retry`);

export const pathConflict = (message: string) => new ConflictError(message, 'PathConflict');

export const invalidRevision = (rev: string) => new BadRequestError(`Invalid revision name "${rev.slice(0, 200)}"`, 'InvalidRevision');
