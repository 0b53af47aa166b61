import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { StrictInput } from '../core/errors/validation';
import type { Correction, NamespaceUsage, RepoUsage } from './quota.repository';

const MAX_QUOTA = Number.MAX_SAFE_INTEGER;

/** Body of `PUT /api/quota/repo/...` (HF-style route: unknown keys are ignored). */
export class SetRepoQuotaDto {
  @ApiProperty({ nullable: true, type: Number, example: 1073741824, description: "null: inherit the namespace's quota" })
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  quota_bytes: number | null;
}

/**
 * Body of `PUT /api/quota/{namespace}` (admin-role users only). Each bucket given is set (null:
 * unlimited), one left out keeps its quota; `quota_bytes`, the reference's one field, sets both
 * buckets that are not given on their own.
 */
export class SetNamespaceQuotaDto {
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'both buckets not given on their own (null: unlimited)' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  quota_bytes?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 10737418240, description: 'null: unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  private_quota_bytes?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: null, description: 'null: unlimited' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  public_quota_bytes?: number | null;
}

@StrictInput()
export class RecalculateAllQueryDto {
  @ApiPropertyOptional({ enum: ['model', 'dataset', 'space'] })
  @IsOptional()
  @IsIn(['model', 'dataset', 'space'])
  repo_type?: string;

  @ApiPropertyOptional({ example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(96)
  namespace?: string;
}

export class NamespaceQuotaDto {
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ example: false }) is_organization: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'private + public quota (null: one of them is unlimited)' }) quota_bytes: number | null;
  @ApiProperty({ example: 1234 }) used_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) available_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 11.5 }) percentage_used: number | null;
  @ApiProperty({ nullable: true, type: Number }) private_quota_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) public_quota_bytes: number | null;
  @ApiProperty({ example: 0 }) private_used_bytes: number;
  @ApiProperty({ example: 0 }) public_used_bytes: number;
}

export class PublicQuotaDto {
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ example: false }) is_organization: boolean;
  @ApiProperty({ nullable: true, type: Number }) quota_bytes: number | null;
  @ApiProperty({ example: 0 }) used_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) available_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) percentage_used: number | null;
}

export class RepoStorageDto {
  @ApiProperty({ example: 'alice/my-model' }) repo_id: string;
  @ApiProperty({ example: 'model' }) repo_type: string;
  @ApiProperty({ example: 'my-model' }) name: string;
  @ApiProperty({ example: false }) private: boolean;
  @ApiProperty({ nullable: true, type: Number }) quota_bytes: number | null;
  @ApiProperty({ example: 0 }) used_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) percentage_used: number | null;
  @ApiProperty({ example: true }) is_inheriting: boolean;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
}

export class NamespaceReposDto {
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ example: false }) is_organization: boolean;
  @ApiProperty({ example: 1 }) total_repos: number;
  @ApiProperty({ type: [RepoStorageDto] }) repositories: RepoStorageDto[];
}

export class CorrectionDto {
  @ApiProperty({ example: 'repository 12' }) what: string;
  @ApiProperty({ example: 0 }) was: number;
  @ApiProperty({ example: 0 }) now: number;
}

export class RepoQuotaDto {
  @ApiProperty({ example: 'alice/my-model' }) repo_id: string;
  @ApiProperty({ example: 'model' }) repo_type: string;
  @ApiProperty({ example: 'alice' }) namespace: string;
  @ApiProperty({ nullable: true, type: Number }) quota_bytes: number | null;
  @ApiProperty({ example: 0 }) used_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) available_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) percentage_used: number | null;
  @ApiProperty({ nullable: true, type: Number }) effective_quota_bytes: number | null;
  @ApiProperty({ nullable: true, type: Number }) namespace_quota_bytes: number | null;
  @ApiProperty({ example: 0 }) namespace_used_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) namespace_available_bytes: number | null;
  @ApiProperty({ example: true }) is_inheriting: boolean;
  @ApiPropertyOptional({ type: [CorrectionDto], description: 'recalculate only: counters that were wrong' }) corrections?: CorrectionDto[];
}

export class RecalculatedDto {
  @ApiProperty({ example: 0 }) private_used: number;
  @ApiProperty({ example: 0 }) public_used: number;
}

export class NamespaceRecalculateDto extends NamespaceQuotaDto {
  @ApiProperty({ type: RecalculatedDto }) recalculated: RecalculatedDto;
  @ApiProperty({ type: [CorrectionDto] }) corrections: CorrectionDto[];
}

export class RecalculateAllDto {
  @ApiProperty({ example: 3 }) namespaces: number;
  @ApiProperty({ type: [CorrectionDto] }) corrections: CorrectionDto[];
}

export const pct = (used: number, quota: number | null): number | null => (quota === null ? null : quota === 0 ? (used > 0 ? 100 : 0) : Math.round((used / quota) * 1000) / 10);
const room = (used: number, quota: number | null): number | null => (quota === null ? null : Math.max(0, quota - used));

export function toNamespaceQuota(ns: NamespaceUsage): NamespaceQuotaDto {
  const used = ns.privateUsedBytes + ns.publicUsedBytes;
  const quota = ns.privateQuotaBytes === null || ns.publicQuotaBytes === null ? null : ns.privateQuotaBytes + ns.publicQuotaBytes;
  return {
    namespace: ns.name,
    is_organization: ns.isOrg,
    quota_bytes: quota,
    used_bytes: used,
    available_bytes: room(used, quota),
    percentage_used: pct(used, quota),
    private_quota_bytes: ns.privateQuotaBytes,
    public_quota_bytes: ns.publicQuotaBytes,
    private_used_bytes: ns.privateUsedBytes,
    public_used_bytes: ns.publicUsedBytes,
  };
}

export function toPublicQuota(ns: NamespaceUsage): PublicQuotaDto {
  return {
    namespace: ns.name,
    is_organization: ns.isOrg,
    quota_bytes: ns.publicQuotaBytes,
    used_bytes: ns.publicUsedBytes,
    available_bytes: room(ns.publicUsedBytes, ns.publicQuotaBytes),
    percentage_used: pct(ns.publicUsedBytes, ns.publicQuotaBytes),
  };
}

export function toRepoStorage(ns: NamespaceUsage, r: RepoUsage): RepoStorageDto {
  const effective = r.quotaBytes ?? (r.private ? ns.privateQuotaBytes : ns.publicQuotaBytes);
  return {
    repo_id: `${ns.name}/${r.name}`,
    repo_type: r.type,
    name: r.name,
    private: r.private,
    quota_bytes: r.quotaBytes,
    used_bytes: r.usedBytes,
    percentage_used: pct(r.usedBytes, effective),
    is_inheriting: r.quotaBytes === null,
    created_at: new Date(r.createdAt).toISOString(),
  };
}

export function toRepoQuota(ns: NamespaceUsage, r: RepoUsage, corrections?: Correction[]): RepoQuotaDto {
  const nsQuota = r.private ? ns.privateQuotaBytes : ns.publicQuotaBytes;
  const nsUsed = r.private ? ns.privateUsedBytes : ns.publicUsedBytes;
  const nsRoom = room(nsUsed, nsQuota);
  const effective = r.quotaBytes ?? nsQuota;
  const own = room(r.usedBytes, effective);
  return {
    repo_id: `${ns.name}/${r.name}`,
    repo_type: r.type,
    namespace: ns.name,
    quota_bytes: r.quotaBytes,
    used_bytes: r.usedBytes,
    available_bytes: own === null ? nsRoom : nsRoom === null ? own : Math.min(own, nsRoom),
    percentage_used: pct(r.usedBytes, effective),
    effective_quota_bytes: effective,
    namespace_quota_bytes: nsQuota,
    namespace_used_bytes: nsUsed,
    namespace_available_bytes: nsRoom,
    is_inheriting: r.quotaBytes === null,
    ...(corrections ? { corrections } : {}),
  };
}

export function toNamespaceRecalculate(ns: NamespaceUsage, corrections: Correction[]): NamespaceRecalculateDto {
  return { ...toNamespaceQuota(ns), recalculated: { private_used: ns.privateUsedBytes, public_used: ns.publicUsedBytes }, corrections };
}
