import { Injectable } from '@nestjs/common';
import { UsersService } from '../../auth/accounts/users.service';
import { AccountRole, UserRecord } from '../../auth/accounts/account.types';
import { OrgsService } from '../../auth/orgs/orgs.service';
import { IssuedToken, TokensService } from '../../auth/tokens/tokens.service';
import { CreateUserDto } from '../dto/admin-users.dto';

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
  ) {}

  async list(search: string | undefined, limit: number, offset: number, includeOrgs: boolean): Promise<{ users: UserWithOrgs[]; total: number }> {
    const { users, total } = await this.users.search({ search, limit, offset });
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
}
