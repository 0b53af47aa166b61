import { StrictInput } from '../../core/errors/validation';
import { PageQueryDto } from '../../core/http/page-query.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACCOUNT_ROLES, type AccountRole } from '../../auth/accounts/account.types';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { QueryBoolean, QueryInt } from '../../core/http/query-transforms';
import { RegisterDto } from '../../auth/dto/auth.dto';
import { USER_SORTS, type UserSort } from '../../auth/accounts/accounts.repository';

const USER_SORT_KEYS = Object.keys(USER_SORTS) as UserSort[];

const MAX_QUOTA = Number.MAX_SAFE_INTEGER;

@StrictInput()
export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Substring of the username or email' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  search?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  include_orgs?: boolean;

  @ApiPropertyOptional({ enum: USER_SORT_KEYS, default: 'id' })
  @IsOptional()
  @IsIn(USER_SORT_KEYS)
  sort?: UserSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

@StrictInput()
export class DeleteUserQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Also delete the repositories the user owns' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  force?: boolean;
}

@StrictInput()
export class EmailVerificationQueryDto {
  @ApiProperty({ example: true })
  @QueryBoolean()
  @IsBoolean()
  verified: boolean;
}

/** The admin creates a user with the fields of self-registration plus flags and quotas. */
@StrictInput()
export class CreateUserDto extends RegisterDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  email_verified?: boolean;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 10737418240, description: 'null: unlimited' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  private_quota_bytes?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 53687091200, description: 'null: unlimited' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  public_quota_bytes?: number | null;
}

@StrictInput()
export class SetQuotaDto {
  @ApiProperty({ nullable: true, type: Number, example: 10737418240, description: 'null: unlimited' })
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  private_quota_bytes: number | null;

  @ApiProperty({ nullable: true, type: Number, example: null, description: 'null: unlimited' })
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  public_quota_bytes: number | null;
}

@StrictInput()
export class SetUserRoleDto {
  @ApiProperty({ enum: ACCOUNT_ROLES, example: 'viewer', description: 'admin: may use the admin API with their own credentials; viewer: reads, changes nothing' })
  @IsIn(ACCOUNT_ROLES)
  role: AccountRole;
}

export class AdminUserOrgDto {
  @ApiProperty({ example: 'acme' }) name: string;
  @ApiProperty({ example: 'admin' }) role: string;
}

export class AdminUserDto {
  @ApiProperty({ example: 1 }) id: number;
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: 'Alice Liddell' }) fullname: string;
  @ApiProperty({ example: true }) email_verified: boolean;
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ enum: ACCOUNT_ROLES, example: 'user' }) role: AccountRole;
  @ApiProperty({ example: false }) is_org: boolean;
  @ApiProperty({ nullable: true, type: Number }) private_quota_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) public_quota_bytes: number | null;
  @ApiProperty({ example: 0 }) private_used_bytes: number;
  @ApiProperty({ example: 0 }) public_used_bytes: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiPropertyOptional({ type: [AdminUserOrgDto] }) orgs?: AdminUserOrgDto[];
}

export class AdminUserListDto {
  @ApiProperty({ type: [AdminUserDto] }) users: AdminUserDto[];
  @ApiProperty({ example: 3 }) total: number;
  @ApiProperty({ example: 100 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
  @ApiProperty({ nullable: true, type: String }) search: string | null;
}

export class DeleteUserResponseDto {
  @ApiProperty({ example: 'User deleted: alice' }) message: string;
  @ApiProperty({ type: [String], example: [] }) deleted_repositories: string[];
}

export class EmailVerificationResponseDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'alice@example.com' }) email: string;
  @ApiProperty({ example: true }) email_verified: boolean;
}

export class QuotaResponseDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ nullable: true, type: Number }) private_quota_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) public_quota_bytes: number | null;
  @ApiProperty({ example: 0 }) private_used_bytes: number;
  @ApiProperty({ example: 0 }) public_used_bytes: number;
}

export class RotateTokenResponseDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: 'hf_AbCdEf0123456789AbCdEf0123456789AbCdE', description: 'Shown once' }) token: string;
  @ApiProperty({ example: 12 }) token_id: number;
  @ApiProperty({ example: 'New token issued; every other token and session of the user is revoked.' }) message: string;
}

export class UserActiveResponseDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ example: false }) is_active: boolean;
}

export class AdminSessionDto {
  @ApiProperty({ example: 7 }) id: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: '2026-12-23T10:00:00.000Z' }) expires_at: string;
}

export class AdminTokenDto {
  @ApiProperty({ example: 12 }) id: number;
  @ApiProperty({ example: 'laptop' }) name: string;
  @ApiProperty({ enum: ['read', 'write'], example: 'write' }) role: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, example: null }) expires_at: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-24T08:00:00.000Z' }) last_used_at: string | null;
}

export class UserCredentialsDto {
  @ApiProperty({ example: 'alice' }) username: string;
  @ApiProperty({ type: [AdminSessionDto] }) sessions: AdminSessionDto[];
  @ApiProperty({ type: [AdminTokenDto], description: 'Token secrets are never shown; only their metadata' }) tokens: AdminTokenDto[];
}

/** `/admin/api/users/{username}/{sessions|tokens}/{id}` */
export class UserCredentialParamDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  username: string;

  @ApiProperty({ example: '3' })
  @Matches(/^[1-9][0-9]{0,15}$/, { message: 'id must be a positive integer' })
  id: string;
}
