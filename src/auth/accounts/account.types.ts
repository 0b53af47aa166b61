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

/** read: reads private repositories; member: writes too; admin: members, settings; super-admin: admins too. */
export type OrgRole = 'read' | 'member' | 'admin' | 'super-admin';
export const ORG_ROLES: readonly OrgRole[] = ['read', 'member', 'admin', 'super-admin'];

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
