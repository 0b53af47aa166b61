import type { OrgRole } from '../../auth/accounts/account.types';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ProfileKind, ProfileNamespace } from './profile-owners';

export interface RepoCounts {
  models: number;
  datasets: number;
  spaces: number;
}

export type SocialMedia = Partial<Record<'twitter_x' | 'threads' | 'github' | 'huggingface', string>>;

/** What users and organizations both show on their profile. */
export interface ProfileFields {
  bio: string | null;
  website: string | null;
  socialMedia: SocialMedia | null;
  followers: number;
  /** Whether the viewer follows this namespace (false when anonymous). */
  followedByViewer: boolean;
}

export interface UserProfile extends RepoCounts, ProfileFields {
  name: string;
  fullname: string;
  createdAt: Date;
  likes: number;
  following: number;
  orgs: { name: string; fullname: string | null }[];
}

export interface OrgProfile extends RepoCounts, ProfileFields {
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

/** A change of profile fields: absent = unchanged, null = cleared. */
export interface ProfileChange {
  fullname?: string | null;
  description?: string | null;
  bio?: string | null;
  website?: string | null;
  socialMedia?: SocialMedia | null;
}

/** Public repositories of a namespace, by type: what a profile shows to anyone. */
const REPO_COUNTS = (ns: string) => `
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'model' AND NOT private) AS models,
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'dataset' AND NOT private) AS datasets,
  (SELECT count(*)::int FROM repositories WHERE namespace_id = ${ns} AND type = 'space' AND NOT private) AS spaces`;

/** The shared profile columns of namespace `n`; `$2` is the viewer's user id (or null). */
const PROFILE_FIELDS = `n.bio, n.website, n.social_media AS "socialMedia", n.num_followers AS followers,
  EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $2 AND f.followee_id = n.id) AS "followedByViewer"`;

/** Active users and organizations by name, in any case. */
const NAMESPACE_OF_KIND = `lower(n.name) = lower($1) AND n.kind = $2
  AND (n.kind = 'org' OR EXISTS (SELECT 1 FROM users a WHERE a.id = n.id AND a.is_active))`;

@Injectable()
export class ProfilesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async namespace(kind: ProfileKind, name: string): Promise<ProfileNamespace | null> {
    const [row] = await this.db.query(`SELECT n.id::int AS id, n.name, n.kind FROM namespaces n WHERE ${NAMESPACE_OF_KIND}`, [name, kind]);
    return row ?? null;
  }

  async user(name: string, viewerId: number | null): Promise<UserProfile | null> {
    const [row] = await this.db.query(
      `SELECT n.name, u.fullname, u.created_at AS "createdAt", ${REPO_COUNTS('u.id')}, ${PROFILE_FIELDS},
              n.num_following AS following,
              (SELECT count(*)::int FROM repo_likes WHERE user_id = u.id) AS likes,
              COALESCE((SELECT json_agg(json_build_object('name', o_ns.name, 'fullname', o.fullname) ORDER BY lower(o_ns.name))
                          FROM memberships m JOIN organizations o ON o.id = m.org_id JOIN namespaces o_ns ON o_ns.id = o.id
                         WHERE m.user_id = u.id), '[]') AS orgs
         FROM users u JOIN namespaces n ON n.id = u.id WHERE lower(n.name) = lower($1) AND u.is_active`,
      [name, viewerId],
    );
    return row ?? null;
  }

  async org(name: string, viewerId: number | null): Promise<OrgProfile | null> {
    const [row] = await this.db.query(
      `SELECT n.name, o.fullname, o.description, o.created_at AS "createdAt", ${REPO_COUNTS('o.id')}, ${PROFILE_FIELDS},
              (SELECT count(*)::int FROM memberships WHERE org_id = o.id) AS members
         FROM organizations o JOIN namespaces n ON n.id = o.id WHERE lower(n.name) = lower($1)`,
      [name, viewerId],
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

  /** Applies the given fields in one transaction (a user's cleared full name is '', as at registration). */
  async update(ns: ProfileNamespace, change: ProfileChange): Promise<void> {
    const shared = setClause({ bio: change.bio, website: change.website, social_media: change.socialMedia === undefined ? undefined : change.socialMedia && JSON.stringify(change.socialMedia) });
    const own =
      ns.kind === 'user'
        ? setClause({ fullname: change.fullname === undefined ? undefined : (change.fullname ?? '') })
        : setClause({ fullname: change.fullname, description: change.description });
    await this.db.transaction(async (m) => {
      if (shared) await m.query(`UPDATE namespaces SET ${shared.sql} WHERE id = $1`, [ns.id, ...shared.values]);
      if (own) await m.query(`UPDATE ${ns.kind === 'user' ? 'users' : 'organizations'} SET ${own.sql} WHERE id = $1`, [ns.id, ...own.values]);
    });
  }
}

/** `col = $2, …` for the defined entries (parameters from $2; $1 is the row id). Column names are this file's own. */
function setClause(fields: Record<string, unknown>): { sql: string; values: unknown[] } | null {
  const set = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (set.length === 0) return null;
  return { sql: set.map(([col], i) => `${col} = $${i + 2}`).join(', '), values: set.map(([, v]) => v) };
}
