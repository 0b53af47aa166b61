import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import type { Principal } from '../../auth/principal';
import { BadRequestError, NotFoundError } from '../../core/errors/domain-error';
import { repoId, type RepoRecord } from '../repo.types';
import { AccessRequestsRepository, type AccessRequestRecord, type AccessRequestStatus } from './access-requests.repository';

/** Who a request is about: a username or a request id (huggingface_hub sends exactly one). */
export type RequestTarget = { user: string } | { requestId: string };

/**
 * Access requests to gated repositories, with the Hub's semantics: a user asks (with optional
 * form fields); `auto` gating accepts at once, `manual` leaves it pending; repository admins
 * accept, reject (with a reason), move back to pending (cancel) or grant access directly.
 * RepoAccess reads the accepted ones ('files' permission).
 */
@Injectable()
export class GatedAccessService {
  constructor(
    private readonly requests: AccessRequestsRepository,
    private readonly users: UsersService,
  ) {}

  async ask(principal: Principal, repo: RepoRecord, fields: Record<string, unknown> | null): Promise<AccessRequestRecord> {
    assertGated(repo);
    await this.requests.insertIfAbsent(repo.id, principal.user.id, repo.gated === 'auto' ? 'accepted' : 'pending', fields);
    return (await this.requests.findByUser(repo.id, principal.user.id))!;
  }

  list(repo: RepoRecord, status: AccessRequestStatus): Promise<AccessRequestRecord[]> {
    assertGated(repo);
    return this.requests.list(repo.id, status);
  }

  async handle(repo: RepoRecord, target: RequestTarget, status: AccessRequestStatus, rejectionReason: string | null): Promise<void> {
    assertGated(repo);
    const request = await this.find(repo, target);
    if (status === 'rejected' && request.status === 'rejected') {
      throw new NotFoundError(`The access request of "${request.username}" is already rejected`, 'AccessRequestNotFound');
    }
    await this.requests.setStatus(request.id, status, status === 'rejected' ? rejectionReason : null);
  }

  async grant(actor: string, repo: RepoRecord, username: string): Promise<void> {
    assertGated(repo);
    const user = await this.users.getByName(username);
    const existing = await this.requests.findByUser(repo.id, user.id);
    if (existing?.status === 'accepted') throw new BadRequestError(`"${user.name}" already has access to ${repoId(repo)}`, 'AlreadyGranted');
    await this.requests.grant(repo.id, user.id, actor);
  }

  private async find(repo: RepoRecord, target: RequestTarget): Promise<AccessRequestRecord> {
    let found: AccessRequestRecord | null;
    if ('user' in target) {
      const user = await this.users.getByName(target.user);
      found = await this.requests.findByUser(repo.id, user.id);
    } else {
      const id = /^\d{1,15}$/.test(target.requestId) ? Number(target.requestId) : null;
      found = id === null ? null : await this.requests.findById(repo.id, id);
    }
    if (!found) throw new NotFoundError(`No access request found for ${repoId(repo)}`, 'AccessRequestNotFound');
    return found;
  }
}

function assertGated(repo: RepoRecord): void {
  if (!repo.gated) throw new BadRequestError(`${repoId(repo)} is not a gated repository`, 'RepoNotGated');
}
