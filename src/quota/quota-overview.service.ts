import { Injectable } from '@nestjs/common';
import { QuotaRepository } from './quota.repository';

const TOP_CONSUMERS = 20;
const pct = (used: number, quota: number | null): number | null => (quota === null || quota === 0 ? null : Math.round((used / quota) * 1000) / 10);

/** The admin overview: who is over quota, who uses most, and logical against physical storage. */
@Injectable()
export class QuotaOverviewService {
  constructor(private readonly quota: QuotaRepository) {}

  async overview() {
    const [over, repos, top, sys] = await Promise.all([this.quota.overQuotaNamespaces(), this.quota.overQuotaRepos(), this.quota.top(TOP_CONSUMERS), this.quota.systemStorage()]);
    const logical = sys.privateUsed + sys.publicUsed;
    const physical = sys.lfsPhysical + sys.xetPhysical + sys.gitPhysical;
    return {
      users_over_quota: over.map((n) => ({
        username: n.name,
        private_percentage: pct(n.privateUsedBytes, n.privateQuotaBytes),
        public_percentage: pct(n.publicUsedBytes, n.publicQuotaBytes),
        private_used: n.privateUsedBytes,
        private_quota: n.privateQuotaBytes,
        public_used: n.publicUsedBytes,
        public_quota: n.publicQuotaBytes,
      })),
      repos_over_quota: repos.map((r) => ({
        full_id: `${r.namespace}/${r.name}`,
        repo_type: r.type,
        used_bytes: r.usedBytes,
        quota_bytes: r.quotaBytes!,
        percentage: pct(r.usedBytes, r.quotaBytes) ?? 100,
      })),
      top_consumers: top.map((n) => ({ username: n.name, is_org: n.isOrg, total_bytes: n.privateUsedBytes + n.publicUsedBytes })),
      system_storage: {
        private_used: sys.privateUsed,
        public_used: sys.publicUsed,
        lfs_used: sys.lfsPhysical,
        xet_used: sys.xetPhysical,
        git_used: sys.gitPhysical,
        total_used: logical,
        physical_used: physical,
        dedup_saved: Math.max(0, logical - physical),
      },
    };
  }
}
