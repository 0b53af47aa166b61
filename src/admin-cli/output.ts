/** How answers are shown: `--json` prints them as they came; otherwise tables and key/value lists for people. */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly write: (s: string) => void = (s) => process.stdout.write(s),
  ) {}

  /** Rows as a table (columns: the given ones, else the first row's keys); `--json`: the whole answer. */
  table(rows: Record<string, unknown>[], columns?: string[], whole: unknown = rows): void {
    if (this.json) return this.raw(whole);
    if (rows.length === 0) return this.write('(none)\n');
    const cols = columns ?? Object.keys(rows[0]);
    const cells = rows.map((r) => cols.map((c) => cell(r[c])));
    const widths = cols.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((row) => row[i].length))));
    const line = (values: string[]) => values.map((v, i) => clip(v, widths[i]).padEnd(widths[i])).join('  ').trimEnd() + '\n';
    this.write(line(cols.map((c) => c.toUpperCase())));
    for (const row of cells) this.write(line(row));
  }

  /** One object as `key: value` lines; `--json`: as it came. */
  record(obj: unknown): void {
    if (this.json || typeof obj !== 'object' || obj === null) return this.raw(obj);
    const entries = Object.entries(obj as Record<string, unknown>);
    const width = Math.max(...entries.map(([k]) => k.length));
    for (const [k, v] of entries) this.write(`${k.padEnd(width)}  ${cell(v)}\n`);
  }

  /** A line for people; `--json`: the answer it summarises. */
  message(text: string, answer: unknown): void {
    if (this.json) return this.raw(answer);
    this.write(text + '\n');
  }

  raw(value: unknown): void {
    this.write(JSON.stringify(value, null, this.json ? 2 : 0) + '\n');
  }

  /** One line as is (event tail: NDJSON or text). */
  line(text: string): void {
    this.write(text + '\n');
  }
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function clip(v: string, width: number): string {
  return v.length > width ? v.slice(0, width - 1) + '…' : v;
}
