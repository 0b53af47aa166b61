import type { XetFormatErrorCode } from '../codec';

/** Messages between XorbVerifier and its worker threads. */
export interface XorbVerifyRequest {
  id: number;
  /** The serialized xorb; transferred to the worker and back. */
  bytes: ArrayBuffer;
  /** Xet hex of the hash the upload claims. */
  expectedHash: string;
  maxBytes: number;
}

export type XorbVerifyReply =
  | {
      id: number;
      ok: true;
      bytes: ArrayBuffer;
      /** 32 bytes per chunk, in xorb order. */
      chunkHashes: ArrayBuffer;
      chunkSizes: number[];
      /** End offset of every chunk in the serialized xorb (header included). */
      chunkEnds: number[];
      unpackedLength: number;
    }
  | { id: number; ok: false; code: XetFormatErrorCode | 'internal'; message: string; bytes: ArrayBuffer };
