/**
 * How long a client may dedup against a global dedup answer (its footer's `shard_key_expiry`).
 * xet-core's stored form says "never" (u64::MAX); a finite expiry bounds how long a client can
 * name a xorb it learnt from us, which garbage collection must wait out (XetXorbsService, XetGcJob).
 */
export const DEDUP_ANSWER_VALID_SECONDS = 7 * 24 * 3600;
