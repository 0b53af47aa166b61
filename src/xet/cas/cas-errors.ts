import { BadRequestError, DomainError } from '../../core/errors/domain-error';
import { isHashHex, XetFormatError } from '../codec';

/** A hash from a CAS path, lowercased; 400 InvalidHash unless it is 64 hex digits. */
export function pathHash(s: string, what: string): string {
  if (!isHashHex(s)) throw new BadRequestError(`The ${what} must be 64 hexadecimal digits`, 'InvalidHash');
  return s.toLowerCase();
}

/** An uploaded xorb that is not what it claims to be: always 400, nothing is stored. */
export function xorbRejected(err: XetFormatError): DomainError {
  return new BadRequestError(`Invalid xorb: ${err.message}`, err.code === 'hash_mismatch' ? 'XorbHashMismatch' : 'InvalidXorb');
}

/** An uploaded shard that breaks a rule: always 400, nothing is recorded. */
export function shardRejected(code: string, message: string): DomainError {
  return new BadRequestError(`Invalid shard: ${message}`, code);
}
