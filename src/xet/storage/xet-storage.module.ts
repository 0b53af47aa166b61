import { Module } from '@nestjs/common';
import { XetFileReader } from './xet-file-reader';
import { XetRepository } from './xet.repository';

/**
 * Xet data at rest: the xorb, file and dedup tables and the reassembly of stored files. Kept
 * apart from the CAS endpoints so that LFS downloads (which serve Xet-stored files to git-lfs
 * and plain HTTP clients) can use it without depending on the Xet protocol module.
 */
@Module({
  providers: [XetRepository, XetFileReader],
  exports: [XetRepository, XetFileReader],
})
export class XetStorageModule {}
