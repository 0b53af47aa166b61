import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OrgRecord, OrgRole } from '../auth/accounts/account.types';
import { Mailer } from '../auth/mailer';
import { OrgsService } from '../auth/orgs/orgs.service';
import type { Principal } from '../auth/principal';
import { AuditRepository } from '../admin/audit/audit.repository';
import { BadRequestError, DomainError, ForbiddenError, NotFoundError } from '../core/errors/domain-error';
import { invitationTokenHash, looksLikeInvitationToken, newInvitationToken } from './invitation-token';
import { InvitationAction, InvitationRecord, UNAVAILABLE_MESSAGES, Unavailability, unavailability } from './invitation.types';
import { InvitationsRepository, NewInvitation } from './invitations.repository';

export interface InvitationTerms {
  role: OrgRole;
  /** null: one use; -1: unlimited; N > 0: N uses. */
  maxUsage: number | null;
  expiresDays: number;
}

export interface CreatedInvitation {
  token: string;
  /** The path of the link under the public base URL. */
  path: string;
  record: InvitationRecord;
}

const GONE_CODES: Record<Unavailability, string> = {
  deleted: 'InvitationDeleted',
  expired: 'InvitationExpired',
  used_up: 'InvitationUsedUp',
};

/** 410 naming why an invitation can no longer be used. */
export class InvitationGoneError extends DomainError {
  constructor(reason: Unavailability) {
    super(410, GONE_CODES[reason], UNAVAILABLE_MESSAGES[reason]);
  }
}

/**
 * Organization and registration invitations: who may create and delete them, what using one
 * does, and its audit trail (written in the same transaction as the change).
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationsRepository,
    private readonly orgs: OrgsService,
    private readonly mailer: Mailer,
    private readonly audit: AuditRepository,
  ) {}

  /** An org admin invites to the org; with an email, the invitation is mailed and bound to it. */
  async createOrgInvitation(actor: Principal, orgName: string, email: string | null, terms: InvitationTerms, baseUrl: string): Promise<CreatedInvitation> {
    const org = await this.orgs.get(orgName);
    await this.orgs.assertCanGrant(org, actor, terms.role);
    const created = await this.create(
      { action: 'join_org', orgId: Number(org.id), role: terms.role, email, createdById: actor.user.id, createdByLabel: actor.user.name },
      terms,
      userActor(actor),
      async (record, token) => {
        if (!email) return;
        // Before commit: when the mail server refuses, no invitation is left behind.
        await this.mailer.sendOrgInvitation(email, actor.user.name, org.name, terms.role, `${baseUrl}/invite/${token}`, record.expiresAt);
      },
    );
    return created;
  }

  async listOrgInvitations(actor: Principal, orgName: string): Promise<InvitationRecord[]> {
    const org = await this.orgs.get(orgName);
    await this.orgs.assertCanGrant(org, actor, 'write');
    return this.invitations.listForOrg(Number(org.id));
  }

  /** What a link offers, usable or not (deleted ones too: their holders learn why). */
  async details(token: string): Promise<InvitationRecord> {
    const inv = await this.invitations.findByHash(invitationTokenHash(token));
    if (!inv) throw notFound();
    return inv;
  }

  /** The signed-in user joins the org with the invitation's role; one use is counted. */
  async accept(actor: Principal, token: string): Promise<InvitationRecord> {
    const inv = await this.details(token);
    if (inv.action !== 'join_org') {
      throw new BadRequestError('This is a registration invitation: use it when registering an account', 'WrongInvitationType');
    }
    assertUsable(inv);
    if (inv.email && !(actor.user.emailVerified && actor.user.email.toLowerCase() === inv.email.toLowerCase())) {
      throw new ForbiddenError('This invitation is for another email address (a verified one)', 'InvitationEmailMismatch');
    }
    await this.invitations.transaction(async (m) => {
      await this.orgs.joinByInvitation(inv.orgId!, inv.orgName!, actor.user.id, inv.role!, m);
      await this.claim(inv, actor.user.id, m);
      await this.record(userActor(actor), 'invitation.use', inv, { used_by: actor.user.name }, m);
    });
    return inv;
  }

  /** Org invitations are deleted by the org's admins, by id or token. */
  async deleteAsUser(actor: Principal, ref: string): Promise<void> {
    const inv = await this.find(ref);
    if (inv.action !== 'join_org') throw new ForbiddenError('Registration invitations are managed with the admin API', 'NotInvitationManager');
    const org = await this.orgs.get(inv.orgName!);
    await this.orgs.assertCanGrant(org, actor, 'write');
    await this.delete(inv, userActor(actor));
  }

  async createRegistrationInvitation(
    adminActor: string,
    org: { id?: number | null; name?: string | null },
    terms: InvitationTerms,
  ): Promise<CreatedInvitation> {
    const target: OrgRecord | null = org.id != null ? await this.orgs.getById(org.id) : org.name ? await this.orgs.get(org.name) : null;
    return this.create(
      {
        action: 'register_account',
        orgId: target ? Number(target.id) : null,
        role: target ? terms.role : null,
        email: null,
        createdById: null,
        createdByLabel: adminActor,
      },
      terms,
      adminActor,
    );
  }

  list(action: InvitationAction | undefined, limit: number, offset: number): Promise<InvitationRecord[]> {
    return this.invitations.list(action, limit, offset);
  }

  async deleteAsAdmin(adminActor: string, ref: string): Promise<void> {
    await this.delete(await this.find(ref), adminActor);
  }

  /** Registration: throws naming why unless the token is a usable registration invitation. */
  async assertUsableForRegistration(token: string, m?: EntityManager): Promise<InvitationRecord> {
    if (!looksLikeInvitationToken(token)) throw new BadRequestError('Invalid invitation token', 'InvalidInvitation');
    const inv = await this.invitations.findByHash(invitationTokenHash(token), m);
    if (!inv) throw new BadRequestError('Invalid invitation token', 'InvalidInvitation');
    if (inv.action !== 'register_account') {
      throw new BadRequestError('This invitation joins an organization; register with a registration invitation', 'WrongInvitationType');
    }
    assertUsable(inv);
    return inv;
  }

  /** In the new user's transaction: one use counted, the org joined when the invitation names one. */
  async redeemForRegistration(token: string, user: { id: number; name: string }, m: EntityManager): Promise<void> {
    // Read on the transaction's own connection: a second one per registration can exhaust the pool.
    const inv = await this.assertUsableForRegistration(token, m);
    await this.claim(inv, user.id, m);
    if (inv.orgId !== null) await this.orgs.joinByInvitation(inv.orgId, inv.orgName!, user.id, inv.role!, m);
    await this.record(`user:${user.name}`, 'invitation.use', inv, { used_by: user.name }, m);
  }

  private async create(
    fields: Omit<NewInvitation, 'hash' | 'prefix' | 'expiresAt' | 'maxUsage'>,
    terms: InvitationTerms,
    auditActor: string,
    beforeCommit?: (record: InvitationRecord, token: string) => Promise<void>,
  ): Promise<CreatedInvitation> {
    const { token, hash, prefix } = newInvitationToken();
    const expiresAt = new Date(Date.now() + terms.expiresDays * 86400_000);
    const record = await this.invitations.transaction(async (m) => {
      const id = await this.invitations.insert({ ...fields, hash, prefix, expiresAt, maxUsage: terms.maxUsage }, m);
      const inv = (await this.invitations.findById(id, m))!;
      await this.record(auditActor, 'invitation.create', inv, { role: inv.role, max_usage: inv.maxUsage, email: inv.email, expires_at: expiresAt.toISOString() }, m);
      if (beforeCommit) await beforeCommit(inv, token);
      return inv;
    });
    const path = record.action === 'join_org' ? `/invite/${token}` : `/register?invitation=${token}`;
    return { token, path, record };
  }

  private async delete(inv: InvitationRecord, auditActor: string): Promise<void> {
    await this.invitations.transaction(async (m) => {
      if (!(await this.invitations.markDeleted(inv.id, m))) throw new InvitationGoneError('deleted');
      await this.record(auditActor, 'invitation.delete', inv, {}, m);
    });
  }

  /** Counts the use; when a concurrent use took the last one, says why this one failed. */
  private async claim(inv: InvitationRecord, userId: number, m: EntityManager): Promise<void> {
    if (await this.invitations.claimUse(inv.id, userId, m)) return;
    const now = await this.invitations.findById(inv.id, m);
    throw new InvitationGoneError((now && unavailability(now)) ?? 'used_up');
  }

  /** Lists show ids; links carry tokens: deleting takes either. */
  private async find(ref: string): Promise<InvitationRecord> {
    const inv = /^\d{1,15}$/.test(ref)
      ? await this.invitations.findById(Number(ref))
      : await this.invitations.findByHash(invitationTokenHash(ref));
    if (!inv || inv.deletedAt) throw notFound();
    return inv;
  }

  private record(actor: string, action: string, inv: InvitationRecord, params: Record<string, unknown>, m: EntityManager): Promise<void> {
    return this.audit.insert(
      {
        actor: actor.slice(0, 64),
        action,
        target: `invitation:${inv.id}`,
        params: { invitation_action: inv.action, org: inv.orgName, token_prefix: inv.tokenPrefix, ...params },
        result: 'success',
        status: 200,
        requestId: null,
      },
      m,
    );
  }
}

function assertUsable(inv: InvitationRecord): void {
  const reason = unavailability(inv);
  if (reason) throw new InvitationGoneError(reason);
}

function userActor(p: Principal): string {
  return `user:${p.user.name}`;
}

function notFound(): NotFoundError {
  return new NotFoundError('Invitation not found', 'InvitationNotFound');
}
