import type { UserRecord } from '../../auth/accounts/account.types';
import type { AdminUserDto } from '../dto/admin-users.dto';

export function toAdminUser(user: UserRecord, orgs?: { name: string; role: string }[]): AdminUserDto {
  return {
    id: user.id,
    username: user.name,
    email: user.email,
    fullname: user.fullname,
    email_verified: user.emailVerified,
    is_active: user.isActive,
    role: user.role,
    is_org: false,
    private_quota_bytes: user.privateQuotaBytes,
    public_quota_bytes: user.publicQuotaBytes,
    private_used_bytes: user.privateUsedBytes,
    public_used_bytes: user.publicUsedBytes,
    created_at: user.createdAt.toISOString(),
    ...(orgs ? { orgs } : {}),
  };
}
