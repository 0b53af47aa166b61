import { Module } from '@nestjs/common';
import { XetTokenService } from './xet-token.service';

/** The CAS token issuer, shared by the Xet module and the LFS batch API (its `xet` transfer). */
@Module({
  providers: [XetTokenService],
  exports: [XetTokenService],
})
export class XetTokensModule {}
