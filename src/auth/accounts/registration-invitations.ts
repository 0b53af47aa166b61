import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { BadRequestError } from '../../core/errors/domain-error';

/**
 * Registration invitations, asked by self-registration. The invitations module plugs its answer
 * in at start (it depends on auth, so auth cannot depend on it); until then none is valid.
 */
export interface RegistrationInvitations {
  /** Throws a domain error naming why, unless the token is a usable registration invitation. */
  assertUsable(token: string): Promise<void>;
  /** Counts one use (and joins the org it names) in the new user's transaction; throws when it can't. */
  redeem(token: string, user: { id: number; name: string }, m: EntityManager): Promise<void>;
}

@Injectable()
export class RegistrationInvitationsPort implements RegistrationInvitations {
  private impl: RegistrationInvitations = {
    assertUsable: async () => {
      throw new BadRequestError('Invalid or expired invitation token', 'InvalidInvitation');
    },
    redeem: async () => {
      throw new BadRequestError('Invalid or expired invitation token', 'InvalidInvitation');
    },
  };

  use(impl: RegistrationInvitations): void {
    this.impl = impl;
  }

  assertUsable(token: string): Promise<void> {
    return this.impl.assertUsable(token);
  }

  redeem(token: string, user: { id: number; name: string }, m: EntityManager): Promise<void> {
    return this.impl.redeem(token, user, m);
  }
}
