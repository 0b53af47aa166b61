import type { CreatedInvitation, InvitationTerms } from './invitations.service';
import { UNAVAILABLE_MESSAGES, unavailability, type InvitationRecord } from './invitation.types';
import type { CreateInvitationResponseDto, InvitationDetailsDto, InvitationListItemDto, InvitationTermsDto } from './dto/invitations.dto';

const DEFAULT_EXPIRES_DAYS = 7;

/** The request's terms with their defaults: a writing member, one use, a week. */
export function termsFrom(body: InvitationTermsDto): InvitationTerms {
  return { role: body.role ?? 'write', maxUsage: body.max_usage ?? null, expiresDays: body.expires_days ?? DEFAULT_EXPIRES_DAYS };
}

function isReusable(maxUsage: number | null): boolean {
  return maxUsage === -1 || (maxUsage ?? 1) > 1;
}

export function toCreatedInvitation(c: CreatedInvitation, baseUrl: string): CreateInvitationResponseDto {
  return {
    success: true,
    token: c.token,
    invitation_link: `${baseUrl}${c.path}`,
    expires_at: c.record.expiresAt.toISOString(),
    max_usage: c.record.maxUsage,
    is_reusable: isReusable(c.record.maxUsage),
    action: c.record.action,
    id: c.record.id,
  };
}

export function toInvitationDetails(inv: InvitationRecord): InvitationDetailsDto {
  const reason = unavailability(inv);
  return {
    action: inv.action,
    org_name: inv.orgName,
    role: inv.role,
    email: inv.email,
    inviter: inv.createdByLabel,
    created_at: inv.createdAt.toISOString(),
    expires_at: inv.expiresAt.toISOString(),
    max_usage: inv.maxUsage,
    usage_count: inv.usageCount,
    is_reusable: isReusable(inv.maxUsage),
    is_available: reason === null,
    unavailable_reason: reason,
    error_message: reason ? UNAVAILABLE_MESSAGES[reason] : null,
  };
}

export function toInvitationListItem(inv: InvitationRecord): InvitationListItemDto {
  return {
    id: inv.id,
    token_prefix: inv.tokenPrefix,
    org_id: inv.orgId,
    created_by_id: inv.createdById,
    creator_username: inv.createdByLabel,
    used_at: inv.usedAt ? inv.usedAt.toISOString() : null,
    used_by_id: inv.usedById,
    used_by_username: inv.usedByName,
    ...toInvitationDetails(inv),
  };
}
