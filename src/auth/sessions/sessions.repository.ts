import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Browser sessions, keyed by sha256 of the cookie value. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(userId: number, hash: Buffer, expiresAt: Date): Promise<void> {
    await this.db.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, $3)`, [userId, hash, expiresAt]);
  }

  async findLiveUserId(hash: Buffer): Promise<number | null> {
    const rows = await this.db.query(`SELECT user_id AS "userId" FROM sessions WHERE token_hash = $1 AND expires_at > now()`, [hash]);
    return rows[0]?.userId ?? null;
  }

  async deleteByHash(hash: Buffer): Promise<void> {
    await this.db.query(`DELETE FROM sessions WHERE token_hash = $1`, [hash]);
  }

  async deleteAllForUser(userId: number, m: EntityManager = this.db.manager): Promise<void> {
    await m.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
  }

  async deleteExpired(): Promise<number> {
    const [, count] = await this.db.query(`DELETE FROM sessions WHERE expires_at <= now()`);
    return count;
  }
}
