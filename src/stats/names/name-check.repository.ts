import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RepoType } from '../../repos/repo.types';

@Injectable()
export class NameCheckRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The user or organization holding `name` in any case. */
  async namespace(name: string): Promise<{ id: number; name: string; kind: 'user' | 'org' } | null> {
    const [row] = await this.db.query(`SELECT id, name, kind FROM namespaces WHERE lower(name) = lower($1)`, [name]);
    return row ? { ...row, id: Number(row.id) } : null;
  }

  /** The repository of that type named `name` in any case, in the namespace (any case). */
  async repo(type: RepoType, namespace: string, name: string): Promise<{ namespaceId: number; namespace: string; name: string; private: boolean } | null> {
    const [row] = await this.db.query(
      `SELECT r.namespace_id AS "namespaceId", n.name AS namespace, r.name, r.private FROM repositories r JOIN namespaces n ON n.id = r.namespace_id
        WHERE r.type = $1 AND lower(n.name) = lower($2) AND lower(r.name) = lower($3)`,
      [type, namespace, name],
    );
    return row ? { ...row, namespaceId: Number(row.namespaceId) } : null;
  }
}
