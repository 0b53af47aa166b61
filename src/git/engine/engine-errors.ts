import { BadRequestError, ConflictError, DomainError, NotFoundError } from '../../core/errors/domain-error';

export const revisionNotFound = (rev: string) => new NotFoundError(`Revision "${rev.slice(0, 200)}" not found`, 'RevisionNotFound');

export const entryNotFound = (path: string, rev: string) =>
  new NotFoundError(`Entry "${path.slice(0, 500)}" not found at revision "${rev.slice(0, 200)}"`, 'EntryNotFound');

// The texts below are the Hub's, word for word: the clients show them as they are.

/** A commit's parentCommit is no longer the branch head (which the answer does not reveal beyond this). */
export const parentCommitMismatch = () => new DomainError(412, 'PreconditionFailed', 'The branch was updated since you opened this page. Please refresh and try again.');

export const refExists = (ref: string, code: string) => new ConflictError(`Reference ${ref.slice(0, 300)} already exists`, code);

export const cannotDeleteDefaultBranch = (branch: string) => new BadRequestError(`Cannot delete refs/heads/${branch.slice(0, 300)}`, 'DefaultBranch');

/** A branch or tag to delete that does not exist. */
export const unknownRefToDelete = (name: string) => new NotFoundError(`Invalid rev id: ${name.slice(0, 300)}`, 'RevisionNotFound');

export const pathConflict = (message: string) => new ConflictError(message, 'PathConflict');

export const invalidRevision = (rev: string) => new BadRequestError(`Invalid revision name "${rev.slice(0, 200)}"`, 'InvalidRevision');
