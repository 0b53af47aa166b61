import { Injectable } from '@nestjs/common';
import { AuthService } from '../../auth/auth.service';
import type { Principal } from '../../auth/principal';
import { DomainError } from '../../core/errors/domain-error';
import { RepoAccessService } from '../../repos/access/repo-access.service';
import { RepositoriesRepository } from '../../repos/repositories.repository';
import { repoId } from '../../repos/repo.types';
import { invalid, type XetGrant } from './xet-token.service';

/**
 * A CAS token is a signed snapshot of a decision RepoAccess made when it was issued. Its
 * signature proves where it came from, not that the decision still holds: a grant revoked, a
 * user token revoked or rotated, a session ended, a membership removed, a repository made
 * private or gated. So each CAS request asks RepoAccess again, for the same credential, with a
 * few primary-key lookups (repository, token or session, user, memberships, grant). When the
 * answer changed the token is refused with 401 InvalidXetToken: hf_xet then asks its refresh
 * route (xet-read-token), which gives the real answer (404, 403 GatedRepo).
 */
@Injectable()
export class XetGrantCheck {
  constructor(
    private readonly auth: AuthService,
    private readonly repos: RepositoriesRepository,
    private readonly access: RepoAccessService,
  ) {}

  async assertStillValid(grant: XetGrant): Promise<void> {
    const repo = await this.repos.findById(grant.repoId);
    if (!repo) throw invalid('The repository of this Xet access token is gone');
    let principal: Principal | null = null;
    if (grant.userId != null) {
      principal = await this.auth.principalForCredential({ userId: grant.userId, tokenId: grant.tokenId ?? null, sessionId: grant.sessionId ?? null });
      if (!principal) throw invalid('The credential this Xet access token was issued to no longer works');
    }
    try {
      // A write token uploads content only (a commit that uses it is checked on its own): it
      // keeps what issued it, read access and a write credential (contribute); reads need the files.
      await this.access.assert(principal, repo, grant.op === 'write' ? 'contribute' : 'files', repoId(repo));
    } catch (err) {
      if (err instanceof DomainError && [401, 403, 404].includes(err.status)) throw invalid('This Xet access token no longer gives access to its repository');
      throw err;
    }
  }
}
