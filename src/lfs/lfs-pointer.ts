/**
 * git-lfs pointer files (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md): the small
 * blob git stores in place of a large file. Hangar writes exactly the canonical form, so the
 * same (oid, size) always gives the same blob id.
 */
export interface LfsPointer {
  oid: string;
  size: number;
}

/** Pointers are tiny; anything larger is not one (and is never parsed). */
export const MAX_POINTER_BYTES = 1024;

export function encodePointer(p: LfsPointer): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${p.oid}\nsize ${p.size}\n`, 'utf8');
}

export function parsePointer(body: Buffer): LfsPointer | null {
  if (body.length > MAX_POINTER_BYTES) return null;
  const text = body.toString('utf8');
  const m = text.match(/^version https:\/\/(?:git-lfs\.github\.com\/spec\/v1|hawser\.github\.com\/spec\/v1)\n(?:[a-z0-9.-]+ [^\n]*\n)*?oid sha256:([0-9a-f]{64})\n(?:[a-z0-9.-]+ [^\n]*\n)*?size (\d{1,16})\n(?:[a-z0-9.-]+ [^\n]*\n)*$/);
  if (!m) return null;
  const size = Number(m[2]);
  return Number.isSafeInteger(size) ? { oid: m[1], size } : null;
}
