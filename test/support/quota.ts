import type { INestApplication } from '@nestjs/common';
import { QuotaService } from '../../src/quota/quota.service';

/**
 * Recounts every namespace and fails when any usage counter had to be corrected: the counters
 * are kept in the transaction of every change, so after any test a recount must find nothing.
 * TestApp.close() runs it, so every e2e suite ends with it.
 */
export async function expectQuotaCountersExact(app: INestApplication): Promise<void> {
  const { corrections } = await app.get(QuotaService).recalculateAll();
  if (corrections.length) throw new Error(`quota recalculation corrected counters: ${JSON.stringify(corrections)}`);
}
