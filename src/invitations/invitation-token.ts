import { generateSecret, sha256 } from '../core/crypto/secrets';
import { BadRequestError } from '../core/errors/domain-error';

const PREFIX = 'inv_';
/** 32 base62 characters: about 190 bits of randomness. */
const RANDOM_CHARS = 32;
const SHAPE = /^inv_[A-Za-z0-9]{32}$/;
/** What lists show of a token: enough to tell invitations apart, far too little to use one. */
const SHOWN_CHARS = PREFIX.length + 6;

export function newInvitationToken(): { token: string; hash: Buffer; prefix: string } {
  const token = generateSecret(PREFIX, RANDOM_CHARS);
  return { token, hash: sha256(token), prefix: token.slice(0, SHOWN_CHARS) };
}

/** The stored hash of a token from a link, after refusing anything that cannot be one. */
export function invitationTokenHash(token: string): Buffer {
  if (!SHAPE.test(token)) throw new BadRequestError('Malformed invitation token', 'InvalidInvitationToken');
  return sha256(token);
}

export function looksLikeInvitationToken(value: string): boolean {
  return SHAPE.test(value);
}
