import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { Injectable } from '@nestjs/common';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors/domain-error';
import { isUniqueViolation } from '../../core/database/pg-errors';
import { AccountsRepository } from '../accounts/accounts.repository';
import { MembershipRecord, OrgRecord, OrgRole } from '../accounts/account.types';
import { assertValidName, nameTakenError } from '../names';
import type { Principal } from '../principal';
import { OrgsRepository } from './orgs.repository';
import type { EntityManager } from 'typeorm';

const RANK: Record<OrgRole, number> = { read: 0, contributor: 1, write: 2, admin: 3, 'super-admin': 4 };

/**
 * Organizations and their members. Admins and super-admins manage members; only a super-admin
 * grants, changes or removes the super-admin role; an org always keeps one super-admin.
 */
@Injectable()
export class OrgsService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly orgs: OrgsRepository,
    private readonly accounts: AccountsRepository,
  ) {}

  async create(creator: Principal, name: string, description: string | null, fullname: string | null = null): Promise<OrgRecord> {
    assertValidName(name, 'Organization name');
    if (await this.accounts.nameTaken(name)) throw nameTakenError(name);
    try {
      await this.orgs.transaction(async (m) => {
        const orgId = await this.orgs.insertOrg(m, name, description, fullname, { privateBytes: this.config.quota.orgPrivateBytes, publicBytes: this.config.quota.orgPublicBytes });
        await this.orgs.insertMembership(orgId, creator.user.id, 'super-admin', m);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'namespaces_name_lower_key')) throw nameTakenError(name);
      throw err;
    }
    return this.get(name);
  }

  async get(name: string): Promise<OrgRecord> {
    const org = await this.orgs.findByName(name);
    if (!org) throw new NotFoundError(`Organization "${name}" not found`, 'OrgNotFound');
    return org;
  }

  async getById(id: number): Promise<OrgRecord> {
    const org = await this.orgs.findById(id);
    if (!org) throw new NotFoundError(`Organization ${id} not found`, 'OrgNotFound');
    return org;
  }

  /** Display name and default visibility of new repositories: org admins. */
  async updateSettings(actor: Principal, name: string, s: { fullname?: string | null; defaultRepoPrivate?: boolean }): Promise<OrgRecord> {
    const org = await this.requireAdmin(actor, name);
    await this.orgs.updateSettings(org.id, s);
    return this.get(org.name);
  }

  /** The organization, when the actor is one of its admins (settings, profile, avatar); else 403. */
  async requireAdmin(actor: Principal, name: string): Promise<OrgRecord> {
    const org = await this.get(name);
    const role = await this.orgs.findRole(org.id, actor.user.id);
    if (!role || RANK[role] < RANK.admin) throw new ForbiddenError(`Only admins of "${org.name}" can change its settings`, 'NotOrgAdmin');
    return org;
  }

  /** Whether a new repository in this namespace is private when its creator doesn't say (users: no). */
  defaultRepoPrivate(namespaceId: number): Promise<boolean> {
    return this.orgs.defaultRepoPrivate(namespaceId);
  }

  async members(name: string): Promise<MembershipRecord[]> {
    return this.orgs.listMembers((await this.get(name)).id);
  }

  async orgsOfUser(username: string): Promise<MembershipRecord[]> {
    const user = await this.accounts.findUserByName(username);
    if (!user) throw new NotFoundError(`User "${username}" not found`, 'UserNotFound');
    return this.orgs.listForUser(user.id);
  }

  membershipsOf(userId: number): Promise<MembershipRecord[]> {
    return this.orgs.listForUser(userId);
  }

  membershipsOfMany(userIds: number[]): Promise<MembershipRecord[]> {
    return this.orgs.listForUsers(userIds);
  }

  async addMember(actor: Principal, orgName: string, username: string, role: OrgRole): Promise<void> {
    const org = await this.get(orgName);
    const user = await this.findUser(username);
    await this.orgs.transaction(async (m) => {
      await this.orgs.lockMemberships(org.id, m);
      await this.assertCanManage(org, actor, role, m);
      if (await this.orgs.findRole(org.id, user.id, m)) {
        throw new ConflictError(`"${user.name}" is already a member of "${org.name}"`, 'AlreadyMember');
      }
      await this.orgs.insertMembership(org.id, user.id, role, m);
    });
  }

  async updateMember(actor: Principal, orgName: string, username: string, role: OrgRole): Promise<void> {
    const org = await this.get(orgName);
    const user = await this.findUser(username);
    await this.orgs.transaction(async (m) => {
      await this.orgs.lockMemberships(org.id, m);
      const current = await this.requireMember(org, user.id, user.name, m);
      await this.assertCanManage(org, actor, maxRole(current, role), m);
      if (current === 'super-admin' && role !== 'super-admin') await this.assertNotLastSuperAdmin(org, m);
      await this.orgs.updateRole(org.id, user.id, role, m);
    });
  }

  async removeMember(actor: Principal, orgName: string, username: string): Promise<void> {
    const org = await this.get(orgName);
    const user = await this.findUser(username);
    await this.orgs.transaction(async (m) => {
      await this.orgs.lockMemberships(org.id, m);
      const current = await this.requireMember(org, user.id, user.name, m);
      // Anyone may leave; removing someone else takes the right to manage their role.
      if (user.id !== actor.user.id) await this.assertCanManage(org, actor, current, m);
      if (current === 'super-admin') await this.assertNotLastSuperAdmin(org, m);
      await this.orgs.deleteMembership(org.id, user.id, m);
    });
  }

  /** Throws unless the actor may hand out `role` in the org (invitations follow the member rules). */
  async assertCanGrant(org: OrgRecord, actor: Principal, role: OrgRole): Promise<void> {
    await this.assertCanManage(org, actor, role, undefined);
  }

  /** Adds a member on an invitation's authority, in the caller's transaction. */
  async joinByInvitation(orgId: number, orgName: string, userId: number, role: OrgRole, m: EntityManager): Promise<void> {
    await this.orgs.lockMemberships(orgId, m);
    if (await this.orgs.findRole(orgId, userId, m)) throw new ConflictError(`You are already a member of "${orgName}"`, 'AlreadyMember');
    await this.orgs.insertMembership(orgId, userId, role, m);
  }

  private async findUser(username: string) {
    const user = await this.accounts.findUserByName(username);
    if (!user) throw new NotFoundError(`User "${username}" not found`, 'UserNotFound');
    return user;
  }

  private async requireMember(org: OrgRecord, userId: number, username: string, m: Parameters<OrgsRepository['findRole']>[2]) {
    const role = await this.orgs.findRole(org.id, userId, m);
    if (!role) throw new NotFoundError(`"${username}" is not a member of "${org.name}"`, 'MemberNotFound');
    return role;
  }

  /** The actor must be an org admin, and a super-admin to touch the super-admin role. */
  private async assertCanManage(org: OrgRecord, actor: Principal, roleTouched: OrgRole, m: Parameters<OrgsRepository['findRole']>[2]) {
    const actorRole = await this.orgs.findRole(org.id, actor.user.id, m);
    if (!actorRole || RANK[actorRole] < RANK.admin) {
      throw new ForbiddenError(`Only admins of "${org.name}" can manage its members`, 'NotOrgAdmin');
    }
    if (roleTouched === 'super-admin' && actorRole !== 'super-admin') {
      throw new ForbiddenError('Only a super-admin can grant, change or remove the super-admin role', 'NotOrgSuperAdmin');
    }
  }

  private async assertNotLastSuperAdmin(org: OrgRecord, m: Parameters<OrgsRepository['countRole']>[2]) {
    if ((await this.orgs.countRole(org.id, 'super-admin', m)) <= 1) {
      throw new ConflictError(`"${org.name}" must keep at least one super-admin`, 'LastSuperAdmin');
    }
  }
}

function maxRole(a: OrgRole, b: OrgRole): OrgRole {
  return RANK[a] >= RANK[b] ? a : b;
}

