import { createHash, type Hash } from 'node:crypto';

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

/** Checks bytes fed in order against what they must be: the announced size (never exceeded) and the hash. */
export class ContentVerifier {
  private readonly hash: Hash;
  private seen = 0;

  constructor(private readonly expected: ExpectedContent) {
    this.hash = hasherFor(expected);
  }

  /** Throws ContentMismatch as soon as the bytes run past the announced size. */
  update(chunk: Buffer): void {
    this.seen += chunk.length;
    if (this.seen > this.expected.size) throw new ContentMismatch(`upstream sent more than the ${this.expected.size} bytes announced`);
    this.hash.update(chunk);
  }

  /** Throws ContentMismatch unless all the bytes came and they hash to what was expected. */
  finish(): void {
    if (this.seen !== this.expected.size) throw new ContentMismatch(`upstream sent ${this.seen} bytes, ${this.expected.size} expected`);
    const got = this.hash.digest('hex');
    if (got !== this.expected.hex.toLowerCase()) throw new ContentMismatch(`upstream bytes hash to ${got}, ${this.expected.hex} expected`);
  }
}
