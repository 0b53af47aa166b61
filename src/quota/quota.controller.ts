import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, OptionalAuth, OptionalPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { Audited } from '../admin/audit/audit.interceptor';
import { ApiErrorResponses } from '../core/errors/api-errors.decorator';
import {
  NamespaceQuotaDto,
  NamespaceRecalculateDto,
  NamespaceReposDto,
  PublicQuotaDto,
  RepoQuotaDto,
  SetNamespaceQuotaDto,
  SetRepoQuotaDto,
  toNamespaceQuota,
  toNamespaceRecalculate,
  toPublicQuota,
  toRepoQuota,
  toRepoStorage,
} from './quota.dto';
import { QuotaService } from './quota.service';

@ApiTags('quota')
@ApiErrorResponses(400, 401, 403, 404)
@Controller('api/quota')
export class QuotaController {
  constructor(private readonly quota: QuotaService) {}

  @Get('repo/:type/:namespace/:name')
  @OptionalAuth()
  @ApiOperation({ summary: "A repository's usage and quota (its own, or inherited from its namespace)" })
  @ApiOkResponse({ type: RepoQuotaDto })
  async getRepoQuota(@OptionalPrincipal() p: Principal | null, @Param('type') type: string, @Param('namespace') namespace: string, @Param('name') name: string): Promise<RepoQuotaDto> {
    const { ns, repo } = await this.quota.repoFor(p, type, namespace, name, 'read');
    return toRepoQuota(ns, repo);
  }

  @Put('repo/:type/:namespace/:name')
  @Authenticated('write')
  @ApiOperation({ summary: "Set a repository's quota (repository admins; never above the namespace's quota; null: inherit)" })
  @ApiOkResponse({ type: RepoQuotaDto })
  async setRepoQuota(@CurrentPrincipal() p: Principal, @Param('type') type: string, @Param('namespace') namespace: string, @Param('name') name: string, @Body() body: SetRepoQuotaDto): Promise<RepoQuotaDto> {
    const { ns, repo } = await this.quota.setRepoQuota(p, type, namespace, name, body.quota_bytes);
    return toRepoQuota(ns, repo);
  }

  @Post('repo/:type/:namespace/:name/recalculate')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: "Recount a repository's namespace and fix counters that disagree (a repair tool; repository admins)" })
  @ApiOkResponse({ type: RepoQuotaDto })
  async recalculateRepoQuota(@CurrentPrincipal() p: Principal, @Param('type') type: string, @Param('namespace') namespace: string, @Param('name') name: string): Promise<RepoQuotaDto> {
    const { ns, repo, corrections } = await this.quota.recalculateRepo(p, type, namespace, name);
    return toRepoQuota(ns, repo, corrections);
  }

  @Get(':namespace')
  @Authenticated()
  @ApiOperation({ summary: "A namespace's usage and quotas (the user, or members of the organization)" })
  @ApiOkResponse({ type: NamespaceQuotaDto })
  async getNamespaceQuota(@CurrentPrincipal() p: Principal, @Param('namespace') namespace: string): Promise<NamespaceQuotaDto> {
    return toNamespaceQuota(await this.quota.namespaceFor(p, namespace));
  }

  @Put(':namespace')
  @Authenticated('write')
  @Audited('quota.set')
  @ApiOperation({ summary: "Set a namespace's quotas (admin-role users only; everyone else 403, or 404 for a namespace they cannot see)" })
  @ApiOkResponse({ type: NamespaceQuotaDto })
  async setNamespaceQuota(@CurrentPrincipal() p: Principal, @Param('namespace') namespace: string, @Body() body: SetNamespaceQuotaDto): Promise<NamespaceQuotaDto> {
    return toNamespaceQuota(
      await this.quota.setNamespaceQuotaAs(p, namespace, { quotaBytes: body.quota_bytes, privateBytes: body.private_quota_bytes, publicBytes: body.public_quota_bytes }),
    );
  }

  @Post(':namespace/recalculate')
  @HttpCode(200)
  @Authenticated('write')
  @ApiOperation({ summary: "Recount a namespace's usage and fix counters that disagree (a repair tool)" })
  @ApiOkResponse({ type: NamespaceRecalculateDto })
  async recalculateNamespaceQuota(@CurrentPrincipal() p: Principal, @Param('namespace') namespace: string): Promise<NamespaceRecalculateDto> {
    const { ns, corrections } = await this.quota.recalculateNamespace(await this.quota.namespaceFor(p, namespace));
    return toNamespaceRecalculate(ns, corrections);
  }

  @Get(':namespace/public')
  @OptionalAuth()
  @ApiOperation({ summary: "A namespace's public storage (what its public repositories hold) and public quota" })
  @ApiOkResponse({ type: PublicQuotaDto })
  async getPublicQuota(@Param('namespace') namespace: string): Promise<PublicQuotaDto> {
    return toPublicQuota(await this.quota.publicNamespace(namespace));
  }

  @Get(':namespace/repos')
  @Authenticated()
  @ApiOperation({ summary: "A namespace's repositories with their storage (the user, or members of the organization)" })
  @ApiOkResponse({ type: NamespaceReposDto })
  async getNamespaceRepoStorage(@CurrentPrincipal() p: Principal, @Param('namespace') namespace: string): Promise<NamespaceReposDto> {
    const ns = await this.quota.namespaceFor(p, namespace);
    const repos = await this.quota.reposOf(ns);
    return { namespace: ns.name, is_organization: ns.isOrg, total_repos: repos.length, repositories: repos.map((r) => toRepoStorage(ns, r)) };
  }
}
