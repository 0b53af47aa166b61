import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BadRequestError, ConflictError, NotFoundError } from '../../core/errors/domain-error';
import { isUniqueViolation } from '../../core/database/pg-errors';
import { hashPassword } from '../../core/crypto/secrets';
import { EventLog } from '../../core/events/event-log';
import { assertValidName, nameTakenError } from '../names';
import { AccountsRepository, UserSearch } from './accounts.repository';
import { AccountRole, UserRecord } from './account.types';
import { OwnedRepositoriesPort } from './owned-repositories';
import { EntityManager } from 'typeorm';
import { OBJECT_STORE, type ObjectStore } from '../../core/storage/object-store';
import { avatarStorePrefix } from '../avatars';

export interface CreateUserInput {
  username: string;
  email: string;
  password: string;
  fullname?: string;
  emailVerified: boolean;
  isActive?: boolean;
  privateQuotaBytes?: number | null;
  publicQuotaBytes?: number | null;
}

export const MIN_PASSWORD_LENGTH = 8;

/** The rules for user accounts, shared by self-registration and the admin API. */
@Injectable()
export class UsersService {
  constructor(
    @InjectConfig() private readonly config: HangarConfig,
    private readonly accounts: AccountsRepository,
    private readonly ownedRepos: OwnedRepositoriesPort,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly events: EventLog,
  ) {}

  async create(input: CreateUserInput, afterInsert?: (m: EntityManager, userId: number) => Promise<void>): Promise<UserRecord> {
    assertValidName(input.username, 'Username');
    assertStrongEnough(input.password);
    await this.assertAvailable(input.username, input.email);
    const passwordHash = await hashPassword(input.password);
    try {
      const id = await this.accounts.transaction(async (m) => {
        const userId = await this.accounts.insertUser(m, {
          name: input.username,
          email: input.email,
          passwordHash,
          fullname: input.fullname,
          emailVerified: input.emailVerified,
          isActive: input.isActive,
          privateQuotaBytes: input.privateQuotaBytes === undefined ? this.config.quota.userPrivateBytes : input.privateQuotaBytes,
          publicQuotaBytes: input.publicQuotaBytes === undefined ? this.config.quota.userPublicBytes : input.publicQuotaBytes,
        });
        if (afterInsert) await afterInsert(m, userId);
        await this.events.publish({ type: 'user.created', actor: null, target: `user:${input.username}`, data: { email_verified: input.emailVerified } }, m);
        return userId;
      });
      return (await this.accounts.findUserById(id))!;
    } catch (err) {
      // Two registrations racing for one name or email: the unique index decides.
      if (isUniqueViolation(err, 'namespaces_name_lower_key')) throw nameTakenError(input.username);
      if (isUniqueViolation(err, 'users_email_lower_key')) throw emailTaken();
      throw err;
    }
  }

  async getByName(username: string): Promise<UserRecord> {
    const user = await this.accounts.findUserByName(username);
    if (!user) throw new NotFoundError(`User "${username}" not found`, 'UserNotFound');
    return user;
  }

  /** The user or organization owning a name, or null. */
  findNamespace(name: string): Promise<{ id: number; name: string; kind: 'user' | 'org' } | null> {
    return this.accounts.findNamespace(name);
  }

  search(q: UserSearch): Promise<{ users: UserRecord[]; total: number }> {
    return this.accounts.searchUsers(q);
  }

  /** Deletes the user; one who owns repositories needs `force`, which deletes those too. */
  async delete(username: string, force: boolean): Promise<{ deletedRepositories: string[] }> {
    const user = await this.getByName(username);
    const owned = await this.ownedRepos.list(user.id);
    if (owned.length > 0 && !force) {
      throw new ConflictError(
        `User "${user.name}" owns ${owned.length} repositories; delete them first or pass force=true`,
        'UserOwnsRepositories',
        { owned_repositories: owned },
      );
    }
    if (owned.length > 0) await this.ownedRepos.deleteAll(user.id);
    await this.accounts.transaction(async (m) => {
      await this.accounts.deleteNamespace(user.id, m);
      await this.events.publish({ type: 'user.deleted', actor: null, target: `user:${user.name}`, data: { deleted_repositories: owned } }, m);
    });
    await this.removeStoredAvatars(user.id);
    return { deletedRepositories: owned };
  }

  /** An uploaded avatar outlives its row otherwise; a failure leaves a stray object, not a failed delete. */
  private async removeStoredAvatars(namespaceId: number): Promise<void> {
    try {
      for await (const o of this.store.list(avatarStorePrefix(namespaceId))) await this.store.delete(o.key);
    } catch (err) {
      new Logger('UsersService').warn({ err, namespaceId }, 'avatar of a deleted user not removed from the store');
    }
  }

  async setEmailVerified(username: string, verified: boolean): Promise<UserRecord> {
    const user = await this.getByName(username);
    await this.accounts.setEmailVerified(user.id, verified);
    return { ...user, emailVerified: verified };
  }

  /**
   * Turns an account on or off. Credentials are resolved against `is_active` on every request
   * (AuthService.principalFor*), so an inactive user's tokens and sessions stop at once; the
   * last active admin-role account stays on, as with demotion.
   */
  async setActive(username: string, active: boolean): Promise<UserRecord> {
    const user = await this.getByName(username);
    await this.accounts.transaction(async (m) => {
      if (!active && user.role === 'admin' && user.isActive && (await this.accounts.countAdmins(m)) <= 1) {
        throw new ConflictError(`"${user.name}" is the last admin-role account`, 'LastAdmin');
      }
      await this.accounts.setActive(user.id, active, m);
    });
    return { ...user, isActive: active };
  }

  /** Every admin-role account may be demoted but the last: someone must keep the admin API without the admin token. */
  async setRole(username: string, role: AccountRole): Promise<UserRecord> {
    const user = await this.getByName(username);
    await this.accounts.transaction(async (m) => {
      if (user.role === 'admin' && role !== 'admin' && (await this.accounts.countAdmins(m)) <= 1) {
        throw new ConflictError(`"${user.name}" is the last admin-role account`, 'LastAdmin');
      }
      await this.accounts.setRole(user.id, role, m);
    });
    return this.getByName(user.name);
  }

  async setQuota(username: string, privateBytes: number | null, publicBytes: number | null): Promise<UserRecord> {
    const user = await this.getByName(username);
    await this.accounts.setQuota(user.id, privateBytes, publicBytes);
    return { ...user, privateQuotaBytes: privateBytes, publicQuotaBytes: publicBytes };
  }

  private async assertAvailable(name: string, email: string): Promise<void> {
    if (await this.accounts.nameTaken(name)) throw nameTakenError(name);
    if (await this.accounts.emailTaken(email)) throw emailTaken();
  }
}


function emailTaken(): ConflictError {
  return new ConflictError('This email address is already registered', 'EmailTaken');
}

export function assertStrongEnough(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequestError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`, 'WeakPassword');
  }
}
