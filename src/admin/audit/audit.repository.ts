import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { EventLog } from '../../core/events/event-log';

export interface AuditEntry {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  params: Record<string, unknown>;
  result: 'success' | 'failure';
  status: number;
  requestId: string | null;
  createdAt: Date;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'createdAt'>;

export interface AuditFilter {
  action?: string;
  actor?: string;
  target?: string;
  result?: 'success' | 'failure';
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

const COLUMNS = `id, actor, action, target, params, result, status, request_id AS "requestId", created_at AS "createdAt"`;

@Injectable()
export class AuditRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: EventLog,
  ) {}

  /** With `m`, the row commits (or rolls back) with the change it records. Every entry is also an event of the admin stream. */
  async insert(e: NewAuditEntry, m: EntityManager = this.db.manager): Promise<void> {
    await this.events.publish(
      { type: 'admin.action', actor: e.actor, target: e.target, data: { action: e.action, result: e.result, status: e.status, params: e.params, request_id: e.requestId } },
      m,
    );
    await m.query(
      `INSERT INTO audit_log (actor, action, target, params, result, status, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.actor, e.action, e.target, JSON.stringify(e.params), e.result, e.status, e.requestId],
    );
  }

  async list(f: AuditFilter): Promise<{ entries: AuditEntry[]; total: number }> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    if (f.action) add('action = ?', f.action);
    if (f.actor) add('actor = ?', f.actor);
    if (f.target) add('target = ?', f.target);
    if (f.result) add('result = ?', f.result);
    if (f.since) add('created_at >= ?', f.since);
    if (f.until) add('created_at < ?', f.until);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const entries = await this.db.query(
      `SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY created_at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    const [{ count }] = await this.db.query(`SELECT count(*)::int AS count FROM audit_log ${where}`, params);
    return { entries, total: count };
  }
}
