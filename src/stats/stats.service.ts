import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { RepoListingService } from '../repos/repo-listing.service';
import type { RepoRecord, RepoType } from '../repos/repo.types';
import { addDays, StatsClock, utcDay } from './clock';
import { RollupRepository } from './rollup/rollup.repository';
import type { RecentStatsDto, RepoStatsDto, TrendingDto } from './stats.dto';

/** Statistics read from the counters and the daily rollup, never recounted from raw sessions. */
@Injectable()
export class StatsService {
  constructor(
    private readonly rollup: RollupRepository,
    private readonly listing: RepoListingService,
    private readonly clock: StatsClock,
  ) {}

  repoStats(repo: RepoRecord): RepoStatsDto {
    return { downloads: repo.downloads, downloads_all_time: repo.downloadsAllTime, likes: repo.likes, trending_score: repo.trendingScore };
  }

  async recent(repo: RepoRecord, days: number): Promise<RecentStatsDto> {
    const period = this.period(days);
    const rows = await this.rollup.daily(repo.id, period.start, period.end);
    return { stats: rows.map((r) => ({ ...r, downloads: r.authenticated + r.anonymous })), period };
  }

  async trending(principal: Principal | null, type: RepoType, days: number, limit: number): Promise<TrendingDto> {
    const period = this.period(days);
    const rows = await this.rollup.trending(type, period.start, limit, await this.listing.viewer(principal));
    return {
      trending: rows.map((r) => ({ id: r.id, type: r.type, downloads: r.downloads, likes: r.likes, recent_downloads: r.recentDownloads, trending_score: r.trendingScore, private: r.private })),
      period,
    };
  }

  /** The `days` days up to today (UTC), today included. */
  private period(days: number): { start: string; end: string; days: number } {
    const end = utcDay(this.clock.now());
    return { start: addDays(end, -(days - 1)), end, days };
  }
}
