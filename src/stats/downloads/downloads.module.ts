import { Global, Module } from '@nestjs/common';
import { StatsClock } from '../clock';
import { DownloadRecorder } from './download-recorder';
import { DownloadSessionsRepository } from './download-sessions.repository';

/**
 * Download counting, apart from the rest of `stats` so that every download path (resolve, git,
 * LFS, Xet) can depend on it without depending on repositories or the rollup. Global: one
 * recorder (one pending batch) per node.
 */
@Global()
@Module({
  providers: [StatsClock, DownloadSessionsRepository, DownloadRecorder],
  exports: [StatsClock, DownloadRecorder],
})
export class DownloadsModule {}
