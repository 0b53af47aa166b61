import { Module } from '@nestjs/common';
import { XetFileReader } from './xet-file-reader';
import { XetGcJob } from './xet-gc.job';
import { XetGcRepository } from './xet-gc.repository';
import { XetRepository } from './xet.repository';

/**
 * Xet data at rest: the xorb, file and dedup tables and the reassembly of stored files. Kept
 * apart from the CAS endpoints so that LFS downloads (which serve Xet-stored files to git-lfs
 * and plain HTTP clients) can use it without depending on the Xet protocol module. Its garbage
 * collector (XetGcJob) lives here too.
 */
@Module({
  providers: [XetRepository, XetFileReader, XetGcRepository, XetGcJob],
  exports: [XetRepository, XetFileReader],
})
export class XetStorageModule {}
