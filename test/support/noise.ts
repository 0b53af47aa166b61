import { createHash } from 'node:crypto';

/** A deterministic pseudo-random buffer (incompressible, so it is stored outside the database when large). */
export function noise(bytes: number, seed: string): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < bytes; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}
