/** A line diff (longest common subsequence), for showing what a commit changed in a text file. */
export type DiffLine = { kind: 'add' | 'del' | 'ctx'; text: string };

/** Beyond this many line pairs the table would be too big for a browser tab: no diff. */
const MAX_CELLS = 4_000_000;

export function diffLines(before: string, after: string): DiffLine[] | null {
  const a = splitLines(before);
  const b = splitLines(after);
  // Common head and tail cost nothing; only the middle needs the table.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) (endA--, endB--);
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) return null;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[at(i, j)] = a[start + i] === b[start + j] ? lcs[at(i + 1, j + 1)] + 1 : Math.max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ kind: 'ctx', text }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      out.push({ kind: 'ctx', text: a[start + i] });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) out.push({ kind: 'del', text: a[start + i++] });
    else out.push({ kind: 'add', text: b[start + j++] });
  }
  for (let k = endA; k < a.length; k++) out.push({ kind: 'ctx', text: a[k] });
  return out;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Keeps changed lines and `context` lines around them; long unchanged runs become one marker. */
export function withContext(lines: DiffLine[], context = 3): (DiffLine | { kind: 'skip'; count: number })[] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind !== 'ctx') for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++) keep[k] = true;
  });
  const out: (DiffLine | { kind: 'skip'; count: number })[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (skipped) out.push({ kind: 'skip', count: skipped });
      skipped = 0;
      out.push(l);
    } else skipped++;
  });
  if (skipped) out.push({ kind: 'skip', count: skipped });
  return out;
}
