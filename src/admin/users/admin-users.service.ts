import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import { AccountRole, UserRecord } from '../../auth/accounts/account.types';
import { OrgsService } from '../../auth/orgs/orgs.service';
import { IssuedToken, TokensService } from '../../auth/tokens/tokens.service';
import { CreateUserDto } from '../dto/admin-users.dto';
import { AuthService } from '../../auth/auth.service';
import type { TokenRecord } from '../../auth/tokens/tokens.repository';
import type { UserSort } from '../../auth/accounts/accounts.repository';

export interface UserCredentials {
  user: UserRecord;
  sessions: { id: number; createdAt: Date; expiresAt: Date }[];
  tokens: TokenRecord[];
}

export interface UserWithOrgs {
  user: UserRecord;
  orgs?: { name: string; role: string }[];
}

/** The admin's view of user accounts: it calls the auth module's services and adds nothing of its own rules. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly users: UsersService,
    private readonly orgs: OrgsService,
    private readonly tokens: TokensService,
    private readonly auth: AuthService,
  ) {}

  async list(
    q: { search?: string; limit: number; offset: number; sort?: UserSort; order?: 'asc' | 'desc' },
    includeOrgs: boolean,
  ): Promise<{ users: UserWithOrgs[]; total: number }> {
    const { users, total } = await this.users.search(q);
    if (!includeOrgs) return { users: users.map((user) => ({ user })), total };
    const memberships = await this.orgs.membershipsOfMany(users.map((u) => u.id));
    return {
      users: users.map((user) => ({
        user,
        orgs: memberships.filter((m) => m.userId === user.id).map((m) => ({ name: m.orgName, role: m.role })),
      })),
      total,
    };
  }

  async get(username: string): Promise<UserWithOrgs> {
    const user = await this.users.getByName(username);
    const orgs = (await this.orgs.membershipsOf(user.id)).map((m) => ({ name: m.orgName, role: m.role }));
    return { user, orgs };
  }

  create(dto: CreateUserDto): Promise<UserRecord> {
    return this.users.create({
      username: dto.username,
      email: dto.email,
      password: dto.password,
      fullname: dto.fullname,
      emailVerified: dto.email_verified ?? false,
      isActive: dto.is_active ?? true,
      // Omitted: the server's default for new users; null: unlimited.
      privateQuotaBytes: dto.private_quota_bytes,
      publicQuotaBytes: dto.public_quota_bytes,
    });
  }

  delete(username: string, force: boolean) {
    return this.users.delete(username, force);
  }

  setEmailVerified(username: string, verified: boolean) {
    return this.users.setEmailVerified(username, verified);
  }

  setRole(username: string, role: AccountRole) {
    return this.users.setRole(username, role);
  }

  setQuota(username: string, privateBytes: number | null, publicBytes: number | null) {
    return this.users.setQuota(username, privateBytes, publicBytes);
  }

  async rotateToken(username: string): Promise<{ user: UserRecord; issued: IssuedToken }> {
    const user = await this.users.getByName(username);
    return { user, issued: await this.tokens.rotate(user.id) };
  }

  setActive(username: string, active: boolean): Promise<UserRecord> {
    return this.users.setActive(username, active);
  }

  async credentials(username: string): Promise<UserCredentials> {
    const user = await this.users.getByName(username);
    const [sessions, tokens] = await Promise.all([this.auth.listSessionsOf(user.id), this.tokens.list(user.id)]);
    return { user, sessions, tokens };
  }

  async endSession(username: string, sessionId: number): Promise<void> {
    await this.auth.endSessionOf((await this.users.getByName(username)).id, sessionId);
  }

  async revokeToken(username: string, tokenId: number): Promise<void> {
    await this.tokens.revoke((await this.users.getByName(username)).id, tokenId);
  }
}
