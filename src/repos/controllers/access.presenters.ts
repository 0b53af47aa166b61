import type { AccessRequestRecord } from '../access/access-requests.repository';
import type { GrantRecord } from '../access/repo-grants.repository';
import type { AccessRequestDto, RepoGrantsResponseDto } from '../dto/access.dto';

export function toGrantsResponse(grants: GrantRecord[]): RepoGrantsResponseDto {
  return { grants: grants.map((g) => ({ username: g.username, role: g.role, created_at: new Date(g.createdAt).toISOString() })) };
}

/** The Hub's shape, as huggingface_hub's `_list_access_requests` reads it (email only for requests, as on the Hub). */
export function toAccessRequest(r: AccessRequestRecord): AccessRequestDto {
  return {
    user: { user: r.username, fullname: r.fullname || r.username, email: r.grantedBy ? null : r.email },
    requestId: String(r.id),
    status: r.status,
    timestamp: new Date(r.createdAt).toISOString(),
    fields: r.fields,
    rejectionReason: r.rejectionReason,
  };
}
