import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AccountRole, NewUser, UserRecord } from './account.types';
import { likePattern } from '../../core/database/like-pattern';

const USER_COLUMNS = `
  u.id, n.name, u.email, u.fullname, u.password_hash AS "passwordHash", u.email_verified AS "emailVerified",
  u.is_active AS "isActive", u.private_quota_bytes AS "privateQuotaBytes", u.public_quota_bytes AS "publicQuotaBytes",
  u.private_used_bytes AS "privateUsedBytes", u.public_used_bytes AS "publicUsedBytes", u.role, u.created_at AS "createdAt"`;

/** Columns the admin's user list may sort by (a closed list: the ORDER BY is never built from input). */
export const USER_SORTS = {
  id: 'u.id',
  username: 'lower(n.name)',
  email: 'lower(u.email)',
  created_at: 'u.created_at',
  private_used_bytes: 'u.private_used_bytes',
  public_used_bytes: 'u.public_used_bytes',
} as const;
export type UserSort = keyof typeof USER_SORTS;

export interface UserSearch {
  search?: string;
  limit: number;
  offset: number;
  sort?: UserSort;
  order?: 'asc' | 'desc';
}

/** Queries over namespaces and users. Names are unique case-insensitively across users and orgs. */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async nameTaken(name: string, m: EntityManager = this.db.manager): Promise<'user' | 'org' | null> {
    const rows = await m.query(`SELECT kind FROM namespaces WHERE lower(name) = lower($1)`, [name]);
    return rows[0]?.kind ?? null;
  }

  /** A user's or an organization's namespace by name (case-insensitive). */
  async findNamespace(name: string): Promise<{ id: number; name: string; kind: 'user' | 'org' } | null> {
    const rows = await this.db.query(`SELECT id, name, kind FROM namespaces WHERE lower(name) = lower($1)`, [name]);
    return rows[0] ? { id: Number(rows[0].id), name: rows[0].name, kind: rows[0].kind } : null;
  }

  async emailTaken(email: string, m: EntityManager = this.db.manager): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM users WHERE lower(email) = lower($1)`, [email]);
    return rows.length > 0;
  }

  /** Inserts the namespace and the user in the caller's transaction. */
  async insertUser(m: EntityManager, user: NewUser): Promise<number> {
    const [ns] = await m.query(`INSERT INTO namespaces (name, kind) VALUES ($1, 'user') RETURNING id`, [user.name]);
    await m.query(
      `INSERT INTO users (id, email, fullname, password_hash, email_verified, is_active, private_quota_bytes, public_quota_bytes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        ns.id,
        user.email,
        user.fullname ?? '',
        user.passwordHash,
        user.emailVerified,
        user.isActive ?? true,
        user.privateQuotaBytes ?? null,
        user.publicQuotaBytes ?? null,
      ],
    );
    return Number(ns.id);
  }

  async findUserById(id: number, m: EntityManager = this.db.manager): Promise<UserRecord | null> {
    const rows = await m.query(`SELECT ${USER_COLUMNS} FROM users u JOIN namespaces n ON n.id = u.id WHERE u.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findUserByName(name: string, m: EntityManager = this.db.manager): Promise<UserRecord | null> {
    const rows = await m.query(
      `SELECT ${USER_COLUMNS} FROM users u JOIN namespaces n ON n.id = u.id WHERE lower(n.name) = lower($1)`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** Login accepts the username or the email address. */
  async findUserByLogin(login: string): Promise<UserRecord | null> {
    const rows = await this.db.query(
      `SELECT ${USER_COLUMNS} FROM users u JOIN namespaces n ON n.id = u.id
        WHERE lower(n.name) = lower($1) OR lower(u.email) = lower($1)
        ORDER BY (lower(n.name) = lower($1)) DESC LIMIT 1`,
      [login],
    );
    return rows[0] ?? null;
  }

  async searchUsers(q: UserSearch): Promise<{ users: UserRecord[]; total: number }> {
    const pattern = q.search ? likePattern(q.search) : null;
    const where = pattern ? `WHERE n.name ILIKE $1 OR u.email ILIKE $1` : '';
    const params = pattern ? [pattern] : [];
    const users = await this.db.query(
      `SELECT ${USER_COLUMNS} FROM users u JOIN namespaces n ON n.id = u.id ${where}
        ORDER BY ${USER_SORTS[q.sort ?? 'id']} ${q.order === 'desc' ? 'DESC' : 'ASC'}, u.id LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    );
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM users u JOIN namespaces n ON n.id = u.id ${where}`, params);
    return { users, total: count };
  }

  async setEmailVerified(userId: number, verified: boolean, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`UPDATE users SET email_verified = $2 WHERE id = $1`, [userId, verified]);
  }

  async setActive(userId: number, active: boolean, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`UPDATE users SET is_active = $2 WHERE id = $1`, [userId, active]);
  }

  async setPasswordHash(userId: number, passwordHash: string, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [userId, passwordHash]);
  }

  async setQuota(userId: number, privateBytes: number | null, publicBytes: number | null): Promise<void> {
    await this.db.query(`UPDATE users SET private_quota_bytes = $2, public_quota_bytes = $3 WHERE id = $1`, [
      userId,
      privateBytes,
      publicBytes,
    ]);
  }

  async setRole(userId: number, role: AccountRole, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`UPDATE users SET role = $2 WHERE id = $1`, [userId, role]);
  }

  /**
   * Active admin-role accounts (an inactive one cannot use the admin API). Locks the admin-role
   * rows, so two demotions or deactivations cannot both see another admin left.
   */
  async countAdmins(m: EntityManager): Promise<number> {
    const rows = await m.query(`SELECT is_active FROM users WHERE role = 'admin' FOR UPDATE`);
    return rows.filter((r: { is_active: boolean }) => r.is_active).length;
  }

  /** Removing the namespace cascades to the user, its tokens, sessions and memberships. */
  async deleteNamespace(id: number, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM namespaces WHERE id = $1`, [id]);
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
