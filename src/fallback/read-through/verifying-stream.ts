import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** What a file's bytes must hash to: its LFS sha256, or (regular files) its git blob id. */
export type ExpectedContent = { kind: 'sha256'; hex: string; size: number } | { kind: 'blob'; hex: string; size: number };

export class ContentMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentMismatch';
  }
}

/** Where a verified content lives in the cache: the hash names it. */
export function contentKeyOf(e: ExpectedContent): string {
  return `${e.kind}/${e.hex.toLowerCase()}`;
}

function hasherFor(e: ExpectedContent): Hash {
  if (e.kind === 'sha256') return createHash('sha256');
  // A git blob id is the SHA-1 of "blob <size>\0" and the bytes.
  return createHash('sha1').update(`blob ${e.size}\0`);
}

/**
 * Passes bytes through while hashing them, but holds the last chunk back until the whole input
 * hashed to what was expected: a reader never receives a complete wrong file (a mismatch errors
 * the stream before its end, so a client sees a cut-short answer, not a finished one).
 * `onChunk` sees every byte as it arrives (the cache copy); `onVerified` runs before the end is released.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private held: Buffer | null = null;
  private seen = 0;

  constructor(
    private readonly expected: ExpectedContent,
    private readonly onChunk: (chunk: Buffer, done: (err?: Error | null) => void) => void,
    /** Runs once the bytes verified, before the last of them is passed on (the cache publishes there). */
    private readonly onVerified: () => Promise<void>,
  ) {
    super();
    this.hash = hasherFor(expected);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected.size) return done(new ContentMismatch(`upstream sent more than the ${this.expected.size} bytes announced`));
    this.hash.update(chunk);
    this.onChunk(chunk, (err) => {
      if (err) return done(err);
      if (this.held) this.push(this.held);
      this.held = chunk;
      done();
    });
  }

  override _flush(done: TransformCallback): void {
    if (this.seen !== this.expected.size) return done(new ContentMismatch(`upstream sent ${this.seen} bytes, ${this.expected.size} expected`));
    const got = this.hash.digest('hex');
    if (got !== this.expected.hex.toLowerCase()) return done(new ContentMismatch(`upstream bytes hash to ${got}, ${this.expected.hex} expected`));
    this.onVerified().then(
      () => {
        if (this.held) this.push(this.held);
        done();
      },
      (err: Error) => done(err),
    );
  }
}
