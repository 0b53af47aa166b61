import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { constantTimeEquals, fingerprint, generateSecret, sha256 } from '../../core/crypto/secrets';
import { ForbiddenError, NotFoundError } from '../../core/errors/domain-error';
import { AdminSetupRepository } from './admin-setup.repository';

/**
 * Who may use the admin API: HANGAR_ADMIN_TOKEN when set, and the admin token made by the
 * one-time setup of an install without it.
 *
 * The setup, so that a fresh install gets a first admin without a restart: while no admin token
 * exists, every start issues a one-time setup token (printed once in the startup banner; only its
 * sha256 is stored, replacing the one of an earlier start). `POST /admin/api/setup` with it
 * returns a new admin token (shown once, stored as a hash). After that the setup route is gone
 * for good (404). The setup token has 256 bits of entropy, so guessing it over the network is
 * hopeless; whoever can read the startup log is the operator.
 */
@Injectable()
export class AdminCredentialsService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly setup: AdminSetupRepository,
  ) {}

  /** At boot: a fresh setup token while the install has no admin token at all; null otherwise. */
  async openSetup(): Promise<string | null> {
    if (this.config.adminToken) return null;
    const token = generateSecret('hsetup_', 43);
    return (await this.setup.replaceSetupToken(sha256(token))) ? token : null;
  }

  /** Exchanges the setup token for the admin token (returned once). */
  async completeSetup(setupToken: string): Promise<{ adminToken: string }> {
    if (this.config.adminToken || (await this.setup.completed())) throw setupGone();
    const adminToken = generateSecret('hadm_', 48);
    if (!(await this.setup.complete(sha256(setupToken), sha256(adminToken), fingerprint(adminToken)))) {
      if (await this.setup.completed()) throw setupGone();
      throw new ForbiddenError('Wrong setup token: use the one printed by the last start of Hangar', 'InvalidSetupToken');
    }
    return { adminToken };
  }

  /** Whether any admin token exists (HANGAR_ADMIN_TOKEN, or one made by the setup). */
  async enabled(): Promise<boolean> {
    return Boolean(this.config.adminToken) || (await this.setup.completed()) !== null;
  }

  /**
   * The audit actor (`admin:<fingerprint>`) of a valid admin token; null when the admin API is
   * off (no HANGAR_ADMIN_TOKEN and no setup done); throws when the token is wrong.
   */
  async actorFor(sent: string): Promise<string | null> {
    const configured = this.config.adminToken;
    if (configured && constantTimeEquals(sent, configured)) return `admin:${fingerprint(configured)}`;
    const done = await this.setup.completed();
    if (done && timingSafeEqual(sha256(sent), done.adminTokenHash)) return `admin:${done.adminTokenFingerprint}`;
    if (!configured && !done) return null;
    throw new ForbiddenError('Invalid admin token', 'InvalidAdminToken');
  }
}

function setupGone(): NotFoundError {
  return new NotFoundError('The admin setup has been done (or HANGAR_ADMIN_TOKEN is set); it is not available any more', 'SetupDone');
}
