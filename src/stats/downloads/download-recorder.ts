import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import type { AuthenticatedRequest } from '../../auth/auth.decorators';
import type { HangarConfig } from '../../core/config/config';
import { InjectConfig } from '../../core/config/config.module';
import { StatsClock } from '../clock';
import { DownloadSessionsRepository, type SessionHit } from './download-sessions.repository';

/** A download is one (client, repository) pair per 15-minute bucket, whatever it fetches. */
export const BUCKET_MS = 15 * 60 * 1000;
/** Hits wait in memory at most this long before one INSERT records them. */
const FLUSH_AFTER_MS = 1000;
/** A burst past this many distinct sessions is flushed at once rather than held. */
const MAX_PENDING = 5000;

export function bucketOf(t: Date): Date {
  return new Date(Math.floor(t.getTime() / BUCKET_MS) * BUCKET_MS);
}

/**
 * Counts downloads without slowing them: `record` only updates a map; a timer flushes the map
 * with one statement. A failed flush is logged and its hits are dropped, never the download.
 */
@Injectable()
export class DownloadRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('DownloadRecorder');
  private pending = new Map<string, SessionHit>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly counting: boolean;

  constructor(
    private readonly sessions: DownloadSessionsRepository,
    private readonly clock: StatsClock,
    @InjectConfig() config: HangarConfig,
  ) {
    this.counting = config.stats.downloadCounting;
  }

  /** Called once by each download path (resolve GET, git fetch, LFS batch download, Xet read token). */
  record(req: Request, repo: { id: number }): void {
    if (!this.counting) return;
    try {
      const principal = (req as AuthenticatedRequest).principal;
      const bucket = bucketOf(this.clock.now());
      const clientKey = principal ? `u:${principal.user.id}` : `a:${anonymousClient(req)}`;
      const key = `${repo.id}|${bucket.getTime()}|${clientKey}`;
      const hit = this.pending.get(key);
      if (hit) hit.files++;
      else this.pending.set(key, { repoId: repo.id, bucket, clientKey, authenticated: Boolean(principal), files: 1 });
      if (this.pending.size >= MAX_PENDING) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
    } catch (err) {
      this.logger.warn({ err }, 'download not recorded');
    }
  }

  /** Writes what is pending; resolves once it (and any flush before it) is done. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const hits = [...this.pending.values()].sort((a, b) => a.repoId - b.repoId || a.bucket.getTime() - b.bucket.getTime() || (a.clientKey < b.clientKey ? -1 : 1));
    this.pending = new Map();
    this.flushing = this.flushing.then(async () => {
      if (!hits.length) return;
      try {
        await this.sessions.add(hits);
      } catch (err) {
        this.logger.warn({ err, sessions: hits.length }, 'download sessions not recorded');
      }
    });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }
}

/** Anonymous clients are told apart by address and user agent (hashed: neither is stored). */
function anonymousClient(req: Request): string {
  return createHash('sha256').update(`${req.ip ?? ''}\n${req.get('user-agent') ?? ''}`).digest('base64url').slice(0, 22);
}
