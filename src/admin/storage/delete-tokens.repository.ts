import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Confirmation tokens of prefix deletes, by hash; the database clock decides expiry for every node. */
@Injectable()
export class DeleteTokensRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(hash: Buffer, prefix: string, actor: string, ttlSeconds: number): Promise<void> {
    await this.db.query(`DELETE FROM storage_delete_tokens WHERE expires_at < now() - interval '1 hour'`);
    await this.db.query(
      `INSERT INTO storage_delete_tokens (token_hash, prefix, actor, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [hash, prefix, actor.slice(0, 128), ttlSeconds],
    );
  }

  /** True when a live token of this hash exists for exactly this prefix. */
  async isLive(hash: Buffer, prefix: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM storage_delete_tokens WHERE token_hash = $1 AND prefix = $2 AND expires_at > now()`, [hash, prefix]);
    return rows.length > 0;
  }

  /** Uses the token up; false when it was not live (wrong, expired, another prefix, or used by a racing request). */
  async consume(hash: Buffer, prefix: string): Promise<boolean> {
    const rows = await this.db.query(`DELETE FROM storage_delete_tokens WHERE token_hash = $1 AND prefix = $2 AND expires_at > now() RETURNING 1`, [hash, prefix]);
    return rows.length > 0;
  }
}
