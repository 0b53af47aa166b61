/**
 * Machine-readable reasons a Xet object (xorb, shard, LZ4 frame, hash string, range) is rejected.
 * A server maps every one of these to `400 Bad Request` except `range_not_satisfiable` (416).
 */
export type XetFormatErrorCode =
  | 'invalid_hash'
  | 'truncated'
  | 'too_large'
  | 'invalid_chunk_header'
  | 'unsupported_version'
  | 'unsupported_compression'
  | 'invalid_lz4'
  | 'length_mismatch'
  | 'hash_mismatch'
  | 'invalid_footer'
  | 'empty_xorb'
  | 'invalid_shard'
  | 'invalid_range'
  | 'range_not_satisfiable'
  | 'invalid_argument';

/** Thrown by every parser/validator in `src/xet/codec` when its input breaks the Xet format. */
export class XetFormatError extends Error {
  override readonly name = 'XetFormatError';

  constructor(
    readonly code: XetFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function formatError(code: XetFormatErrorCode, message: string): XetFormatError {
  return new XetFormatError(code, message);
}
