import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface StoredExternalToken {
  url: string;
  tokenEncrypted: string;
  createdAt: Date;
  updatedAt: Date;
}

@Injectable()
export class ExternalTokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(userId: number): Promise<StoredExternalToken[]> {
    return this.db.query(
      `SELECT url, token_encrypted AS "tokenEncrypted", created_at AS "createdAt", updated_at AS "updatedAt" FROM user_external_tokens WHERE user_id = $1 ORDER BY url`,
      [userId],
    );
  }

  async find(userId: number, url: string): Promise<string | null> {
    const [row] = await this.db.query(`SELECT token_encrypted AS "tokenEncrypted" FROM user_external_tokens WHERE user_id = $1 AND url = $2`, [userId, url]);
    return row?.tokenEncrypted ?? null;
  }

  async upsert(userId: number, url: string, tokenEncrypted: string): Promise<void> {
    await this.db.query(
      `INSERT INTO user_external_tokens (user_id, url, token_encrypted) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, url) DO UPDATE SET token_encrypted = EXCLUDED.token_encrypted, updated_at = now()`,
      [userId, url, tokenEncrypted],
    );
  }

  async delete(userId: number, url: string): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM user_external_tokens WHERE user_id = $1 AND url = $2`, [userId, url]);
    return count > 0;
  }

  /** All or nothing: the user's tokens become exactly these. */
  async replaceAll(userId: number, tokens: { url: string; tokenEncrypted: string }[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.query(`DELETE FROM user_external_tokens WHERE user_id = $1`, [userId]);
      for (const t of tokens) {
        await m.query(`INSERT INTO user_external_tokens (user_id, url, token_encrypted) VALUES ($1, $2, $3)`, [userId, t.url, t.tokenEncrypted]);
      }
    });
  }
}
