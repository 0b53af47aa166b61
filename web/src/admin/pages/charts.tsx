/** A day-by-day bar chart in plain SVG (no chart library, nothing inline that the CSP forbids). */
export function DailyBars({ label, days, values }: { label: string; days: string[]; values: number[] }) {
  const max = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const w = 10;
  const h = 60;
  return (
    <figure class="chart card" aria-label={label}>
      <figcaption>
        {label}: <strong>{total}</strong> in {days.length} days
      </figcaption>
      <svg viewBox={`0 0 ${days.length * w} ${h}`} preserveAspectRatio="none" role="img" aria-label={`${label} per day`}>
        {values.map((v, i) => {
          const bh = (v / max) * (h - 2);
          return (
            <rect x={i * w + 1} y={h - bh} width={w - 2} height={bh}>
              <title>
                {days[i]}: {v}
              </title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}

/** The last `n` days as YYYY-MM-DD (UTC), oldest first. */
export function lastDays(n: number, now = new Date()): string[] {
  return Array.from({ length: n }, (_, i) => new Date(now.getTime() - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}
