import type { OrgRole } from '../../auth/accounts/account.types';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface RepoCounts {
  models: number;
  datasets: number;
  spaces: number;
}

export interface UserProfile extends RepoCounts {
  name: string;
  fullname: string;
  createdAt: Date;
  likes: number;
  orgs: { name: string; fullname: string | null }[];
}

export interface OrgProfile extends RepoCounts {
  name: string;
  fullname: string | null;
  description: string | null;
  createdAt: Date;
  members: number;
}

export interface MemberRow {
  name: string;
  fullname: string;
  role: OrgRole;
}

/** Public repositories of a namespace, by type: what a profile shows to anyone. */
const REPO_COUNTS = (ns: string) => `
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'model' AND NOT private) AS models,
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'dataset' AND NOT private) AS datasets,
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'space' AND NOT private) AS spaces`;

@Injectable()
export class ProfilesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async user(name: string): Promise<UserProfile | null> {
    const [row] = await this.db.query(
      `SELECT n.name, u.fullname, u.created_at AS "createdAt", ${REPO_COUNTS('u.id')},
              (SELECT count(*)::int FROM repo_likes WHERE user_id = u.id) AS likes,
              COALESCE((SELECT json_agg(json_build_object('name', o_ns.name, 'fullname', o.fullname) ORDER BY lower(o_ns.name))
                          FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN namespaces o_ns ON o_ns.id = o.id
                         WHERE m.user_id = u.id), '[]') AS orgs
         FROM users u JOIN namespaces n ON n.id = u.id WHERE lower(n.name) = lower($1) AND u.is_active`,
      [name],
    );
    return row ?? null;
  }

  async org(name: string): Promise<OrgProfile | null> {
    const [row] = await this.db.query(
      `SELECT n.name, o.fullname, o.description, o.created_at AS "createdAt", ${REPO_COUNTS('o.id')},
              (SELECT count(*)::int FROM memberships WHERE org_id = o.id) AS members
         FROM organizations o JOIN namespaces n ON n.id = o.id WHERE lower(n.name) = lower($1)`,
      [name],
    );
    return row ?? null;
  }

  async members(orgName: string, limit: number, offset: number): Promise<MemberRow[]> {
    return this.db.query(
      `SELECT u_ns.name, u.fullname, m.role
         FROM memberships m JOIN namespaces o_ns ON o_ns.id = m.org_id JOIN users u ON u.id = m.user_id JOIN namespaces u_ns ON u_ns.id = u.id
        WHERE lower(o_ns.name) = lower($1) ORDER BY lower(u_ns.name) LIMIT $2 OFFSET $3`,
      [orgName, limit, offset],
    );
  }
}
