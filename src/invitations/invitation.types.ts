import type { OrgRole } from '../auth/accounts/account.types';

export type InvitationAction = 'join_org' | 'register_account';
export const INVITATION_ACTIONS: readonly InvitationAction[] = ['join_org', 'register_account'];

export interface InvitationRecord {
  id: number;
  tokenPrefix: string;
  action: InvitationAction;
  orgId: number | null;
  orgName: string | null;
  role: OrgRole | null;
  email: string | null;
  createdById: number | null;
  createdByLabel: string;
  createdAt: Date;
  expiresAt: Date;
  /** null: one use; -1: unlimited; N: N uses. */
  maxUsage: number | null;
  usageCount: number;
  usedAt: Date | null;
  usedById: number | null;
  usedByName: string | null;
  deletedAt: Date | null;
}

export type Unavailability = 'deleted' | 'expired' | 'used_up';

/** Why an invitation cannot be used now, or null when it can. The accept UPDATE applies the same rule. */
export function unavailability(inv: InvitationRecord, now = new Date()): Unavailability | null {
  if (inv.deletedAt) return 'deleted';
  if (inv.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (inv.maxUsage !== -1 && inv.usageCount >= (inv.maxUsage ?? 1)) return 'used_up';
  return null;
}

export const UNAVAILABLE_MESSAGES: Record<Unavailability, string> = {
  deleted: 'This invitation was deleted',
  expired: 'This invitation has expired',
  used_up: 'This invitation has been used up',
};
