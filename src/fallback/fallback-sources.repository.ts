import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FallbackSourceRecord } from './fallback-source.types';

const COLUMNS = `id, namespace, url, token_encrypted AS "tokenEncrypted", priority, name, source_type AS "sourceType", enabled,
  allow_patterns AS "allowPatterns", deny_patterns AS "denyPatterns", created_at AS "createdAt", updated_at AS "updatedAt"`;

export type StoredSourceFields = Omit<FallbackSourceRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Highest priority first: the order the read-through will ask them in. */
const ORDER = `ORDER BY priority DESC, id`;

@Injectable()
export class FallbackSourcesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(f: { namespace?: string; enabled?: boolean }): Promise<FallbackSourceRecord[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (f.namespace !== undefined) clauses.push(`namespace = $${params.push(f.namespace)}`);
    if (f.enabled !== undefined) clauses.push(`enabled = $${params.push(f.enabled)}`);
    return this.db.query(`SELECT ${COLUMNS} FROM fallback_sources ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ${ORDER}`, params);
  }

  async find(id: number): Promise<FallbackSourceRecord | null> {
    const [row] = await this.db.query(`SELECT ${COLUMNS} FROM fallback_sources WHERE id = $1`, [id]);
    return row ?? null;
  }

  async insert(s: StoredSourceFields): Promise<FallbackSourceRecord> {
    const [row] = await this.db.query(
      `INSERT INTO fallback_sources (namespace, url, token_encrypted, priority, name, source_type, enabled, allow_patterns, deny_patterns)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [s.namespace, s.url, s.tokenEncrypted, s.priority, s.name, s.sourceType, s.enabled, s.allowPatterns, s.denyPatterns],
    );
    return row;
  }

  /** The whole row is written back (the service merged the change); null when it is gone. */
  async update(id: number, s: StoredSourceFields): Promise<FallbackSourceRecord | null> {
    const [rows] = await this.db.query(
      `UPDATE fallback_sources SET namespace = $2, url = $3, token_encrypted = $4, priority = $5, name = $6, source_type = $7, enabled = $8,
         allow_patterns = $9, deny_patterns = $10, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, s.namespace, s.url, s.tokenEncrypted, s.priority, s.name, s.sourceType, s.enabled, s.allowPatterns, s.denyPatterns],
    );
    return rows[0] ?? null;
  }

  async delete(id: number): Promise<boolean> {
    const [, count] = await this.db.query(`DELETE FROM fallback_sources WHERE id = $1`, [id]);
    return count > 0;
  }
}
