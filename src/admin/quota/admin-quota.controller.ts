import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AdminApi } from '../../auth/auth.decorators';
import { ApiErrorResponses } from '../../core/errors/api-errors.decorator';
import { Audited } from '../audit/audit.interceptor';
import { SetQuotaDto } from '../dto/admin-users.dto';
import {
  NamespaceQuotaDto,
  NamespaceRecalculateDto,
  RecalculateAllDto,
  RecalculateAllQueryDto,
  toNamespaceQuota,
  toNamespaceRecalculate,
} from '../../quota/quota.dto';
import { QuotaService } from '../../quota/quota.service';
import { QuotaOverviewService } from '../../quota/quota-overview.service';
import { AdminReposRepository } from '../repositories/admin-repos.repository';

class OverQuotaUserDto {
  @ApiProperty() username: string;
  @ApiProperty({ nullable: true, type: Number }) private_percentage: number | null;
  @ApiProperty({ nullable: true, type: Number }) public_percentage: number | null;
  @ApiProperty() private_used: number;
  @ApiProperty({ nullable: true, type: Number }) private_quota: number | null;
  @ApiProperty() public_used: number;
  @ApiProperty({ nullable: true, type: Number }) public_quota: number | null;
}
class OverQuotaRepoDto {
  @ApiProperty() full_id: string;
  @ApiProperty() repo_type: string;
  @ApiProperty() used_bytes: number;
  @ApiProperty() quota_bytes: number;
  @ApiProperty() percentage: number;
}
class TopConsumerDto {
  @ApiProperty() username: string;
  @ApiProperty() is_org: boolean;
  @ApiProperty() total_bytes: number;
}
class SystemStorageDto {
  @ApiProperty({ description: 'charged to private buckets' }) private_used: number;
  @ApiProperty({ description: 'charged to public buckets' }) public_used: number;
  @ApiProperty({ description: 'whole LFS files stored' }) lfs_used: number;
  @ApiProperty({ description: 'Xet xorbs stored' }) xet_used: number;
  @ApiProperty({ description: 'distinct git objects (inflated size)' }) git_used: number;
  @ApiProperty({ description: 'logical: what all namespaces are charged' }) total_used: number;
  @ApiProperty({ description: 'physical: LFS + Xet + distinct git objects' }) physical_used: number;
  @ApiProperty({ description: 'logical minus physical: what dedup across repositories saves' }) dedup_saved: number;
}
class RecalculateFailureDto {
  @ApiProperty({ example: 'alice/broken' }) repo_id: string;
  @ApiProperty({ example: 'repository not found' }) error: string;
}
/** KohakuHub's answer fields around Hangar's (recalculation is per namespace, in one pass, so it either all works or fails as a whole). */
class AdminRecalculateAllDto extends RecalculateAllDto {
  @ApiProperty({ example: 100, description: 'Repositories matched' }) total: number;
  @ApiProperty({ example: 100 }) success_count: number;
  @ApiProperty({ example: 0 }) failure_count: number;
  @ApiProperty({ type: [RecalculateFailureDto], example: [] }) failures: RecalculateFailureDto[];
  @ApiProperty({ example: 'Recalculated storage for 100/100 repositories (3 namespaces)' }) message: string;
}
class QuotaOverviewDto {
  @ApiProperty({ type: [OverQuotaUserDto] }) users_over_quota: OverQuotaUserDto[];
  @ApiProperty({ type: [OverQuotaRepoDto] }) repos_over_quota: OverQuotaRepoDto[];
  @ApiProperty({ type: [TopConsumerDto] }) top_consumers: TopConsumerDto[];
  @ApiProperty({ type: SystemStorageDto }) system_storage: SystemStorageDto;
}

@ApiTags('admin: quota')
@AdminApi()
@ApiErrorResponses(400, 404)
@Controller('admin/api')
export class AdminQuotaController {
  constructor(
    private readonly quota: QuotaService,
    private readonly overview: QuotaOverviewService,
    private readonly repos: AdminReposRepository,
  ) {}

  @Get('quota/overview')
  @ApiOperation({ summary: 'Namespaces and repositories over quota, top consumers, logical and physical storage' })
  @ApiOkResponse({ type: QuotaOverviewDto })
  adminQuotaOverview(): Promise<QuotaOverviewDto> {
    return this.overview.overview();
  }

  @Get('quota/:namespace')
  @ApiOperation({ summary: "A namespace's usage and quotas (is_org is accepted and not needed)" })
  @ApiOkResponse({ type: NamespaceQuotaDto })
  async adminGetNamespaceQuota(@Param('namespace') namespace: string): Promise<NamespaceQuotaDto> {
    return toNamespaceQuota(await this.quota.namespaceByName(namespace));
  }

  @Put('quota/:namespace')
  @Audited('quota.set')
  @ApiOperation({ summary: "Set a namespace's private and public quotas (null: unlimited)" })
  @ApiOkResponse({ type: NamespaceQuotaDto })
  async adminSetNamespaceQuota(@Param('namespace') namespace: string, @Body() body: SetQuotaDto): Promise<NamespaceQuotaDto> {
    return toNamespaceQuota(await this.quota.setNamespaceQuota(namespace, body.private_quota_bytes, body.public_quota_bytes));
  }

  @Post('quota/:namespace/recalculate')
  @HttpCode(200)
  @Audited('quota.recalculate')
  @ApiOperation({ summary: "Recount a namespace's usage and fix counters that disagree (a repair tool)" })
  @ApiOkResponse({ type: NamespaceRecalculateDto })
  async adminRecalculateNamespace(@Param('namespace') namespace: string): Promise<NamespaceRecalculateDto> {
    const { ns, corrections } = await this.quota.recalculateNamespace(await this.quota.namespaceByName(namespace));
    return toNamespaceRecalculate(ns, corrections);
  }

  @Post('repositories/recalculate-all')
  @HttpCode(200)
  @Audited('quota.recalculate-all')
  @ApiOperation({ summary: 'Recount every namespace holding matching repositories and fix counters that disagree' })
  @ApiOkResponse({ type: AdminRecalculateAllDto })
  async adminRecalculateAll(@Query() q: RecalculateAllQueryDto): Promise<AdminRecalculateAllDto> {
    const done = await this.quota.recalculateAll({ repoType: q.repo_type, namespace: q.namespace });
    const { total } = await this.repos.list({ type: q.repo_type, namespace: q.namespace, limit: 1, offset: 0 });
    return {
      ...done,
      total,
      success_count: total,
      failure_count: 0,
      failures: [],
      message: `Recalculated storage for ${total}/${total} repositories (${done.namespaces} namespaces)`,
    };
  }
}
