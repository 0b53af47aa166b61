export interface UserRecord {
  id: number;
  name: string;
  email: string;
  fullname: string;
  passwordHash: string;
  emailVerified: boolean;
  isActive: boolean;
  privateQuotaBytes: number | null;
  publicQuotaBytes: number | null;
  privateUsedBytes: number;
  publicUsedBytes: number;
  role: AccountRole;
  createdAt: Date;
}

/** admin: may use the admin API with their own token or session; viewer: reads, changes nothing. */
export type AccountRole = 'admin' | 'user' | 'viewer';
export const ACCOUNT_ROLES: readonly AccountRole[] = ['admin', 'user', 'viewer'];

export interface OrgRecord {
  id: number;
  name: string;
  description: string | null;
  /** Display name; null: the name is shown. */
  fullname: string | null;
  /** New repositories are private unless their creator asks otherwise. */
  defaultRepoPrivate: boolean;
  createdAt: Date;
  memberCount: number;
}

/**
 * The Hub's organization roles plus Hangar's super-admin. read: reads the org's private
 * repositories; contributor: creates repositories and writes to the ones they created; write:
 * writes to every repository and creates; admin: members, settings, deletion; super-admin:
 * admins too (the Hub knows no super-admin: its routes show `admin`).
 */
export type OrgRole = 'read' | 'contributor' | 'write' | 'admin' | 'super-admin';
export const ORG_ROLES: readonly OrgRole[] = ['read', 'contributor', 'write', 'admin', 'super-admin'];
/** What role fields accept: the roles, and `member`, the name `write` had before (old scripts and data). */
export const ORG_ROLE_INPUTS: readonly string[] = [...ORG_ROLES, 'member'];

/** A role as given (ORG_ROLE_INPUTS) as stored: `member` is `write`. */
export function orgRoleFromInput(value: unknown): unknown {
  return value === 'member' ? 'write' : value;
}

/** The role as the Hub names it (whoami `roleInOrg`, organization member lists). */
export type HubOrgRole = 'read' | 'contributor' | 'write' | 'admin';
export const HUB_ORG_ROLES: readonly HubOrgRole[] = ['read', 'contributor', 'write', 'admin'];
export function hubOrgRole(role: OrgRole): HubOrgRole {
  return role === 'super-admin' ? 'admin' : role;
}

export interface MembershipRecord {
  orgId: number;
  orgName: string;
  orgDescription: string | null;
  orgFullname: string | null;
  userId: number;
  userName: string;
  role: OrgRole;
  createdAt: Date;
}

export interface NewUser {
  name: string;
  email: string;
  passwordHash: string;
  fullname?: string;
  emailVerified: boolean;
  isActive?: boolean;
  privateQuotaBytes?: number | null;
  publicQuotaBytes?: number | null;
}
