/**
 * `git diff`-style text for a pull request: per changed file a `diff --git` header and unified
 * hunks with 3 lines of context. Pure: the caller reads the blobs.
 */

const CONTEXT = 3;
/** Past this many edit steps the line diff gives up and shows the whole file replaced (bounded work). */
const MAX_EDIT_STEPS = 2000;

export interface FileDiffInput {
  path: string;
  oldOid: string | null;
  newOid: string | null;
  oldMode: string | null;
  newMode: string | null;
  /** Contents (null: binary or too large to show). */
  oldText: string | null;
  newText: string | null;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

export function fileDiff(f: FileDiffInput): string {
  const short = (oid: string | null) => (oid ?? '0'.repeat(40)).slice(0, 7);
  const out = [`diff --git a/${f.path} b/${f.path}`];
  if (!f.oldOid) out.push(`new file mode ${f.newMode}`);
  else if (!f.newOid) out.push(`deleted file mode ${f.oldMode}`);
  else if (f.oldMode !== f.newMode) out.push(`old mode ${f.oldMode}`, `new mode ${f.newMode}`);
  out.push(`index ${short(f.oldOid)}..${short(f.newOid)}${f.oldOid && f.newOid && f.oldMode === f.newMode ? ` ${f.newMode}` : ''}`);
  const from = f.oldOid ? `a/${f.path}` : '/dev/null';
  const to = f.newOid ? `b/${f.path}` : '/dev/null';
  if ((f.oldOid && f.oldText === null) || (f.newOid && f.newText === null)) {
    out.push(`Binary files ${from} and ${to} differ`);
    return out.join('\n') + '\n';
  }
  const hunks = unifiedHunks(splitLines(f.oldText ?? ''), splitLines(f.newText ?? ''));
  if (hunks.length) out.push(`--- ${from}`, `+++ ${to}`, ...hunks);
  return out.join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Hunks (header line + body lines) of the line diff of `a` and `b`. */
export function unifiedHunks(a: string[], b: string[]): string[] {
  const ops = lineDiff(a, b);
  const out: string[] = [];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].kind === ' ') i++;
    if (i >= ops.length) break;
    // A hunk: from CONTEXT lines before this change to CONTEXT lines after the last change that is
    // at most 2*CONTEXT unchanged lines away from the previous one.
    const start = Math.max(0, i - CONTEXT);
    let lastChange = i;
    for (let j = i; j < ops.length && j - lastChange <= 2 * CONTEXT; j++) if (ops[j].kind !== ' ') lastChange = j;
    const end = Math.min(ops.length - 1, lastChange + CONTEXT);
    let oldStart = 1;
    let newStart = 1;
    for (let j = 0; j < start; j++) {
      if (ops[j].kind !== '+') oldStart++;
      if (ops[j].kind !== '-') newStart++;
    }
    const body = ops.slice(start, end + 1);
    const oldCount = body.filter((o) => o.kind !== '+').length;
    const newCount = body.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`, ...body.map((o) => o.kind + o.line));
    i = end + 1;
  }
  return out;
}

/** git prints an empty range as the line before it, and omits a count of 1. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/** Myers' O(ND) line diff; past MAX_EDIT_STEPS, everything removed then everything added. */
function lineDiff(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_STEPS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return [...a.map((line) => ({ kind: '-' as const, line })), ...b.map((line) => ({ kind: '+' as const, line }))];
  // Walk the trace back from (n, m) to (0, 0).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x] });
      y--;
    }
    if (d > 0) {
      if (x === prevX) ops.push({ kind: '+', line: b[--y] });
      else ops.push({ kind: '-', line: a[--x] });
    }
  }
  return ops.reverse();
}
