/** A bar chart of one series over the last minute, drawn as SVG, with a text summary for screen readers. */

export interface ChartPoint {
  readonly t: number;
  readonly value: number;
}

export function BarChart({ title, points, unit, format = String, slots = 60 }: { title: string; points: readonly ChartPoint[]; unit: string; format?: (n: number) => string; slots?: number }) {
  const width = 600;
  const height = 120;
  const pad = { left: 44, right: 8, top: 10, bottom: 20 };
  const max = Math.max(1, ...points.map((p) => p.value));
  const total = points.reduce((s, p) => s + p.value, 0);
  const last = points.at(-1)?.value ?? 0;
  const bw = (width - pad.left - pad.right) / slots;
  const y = (v: number): number => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const offset = slots - points.length;
  const summary = `${title}: ${format(last)} ${unit} in the last second, ${format(total)} in the last ${points.length} seconds, peak ${format(max === 1 && total === 0 ? 0 : max)}.`;
  return (
    <figure class="chart">
      <figcaption>
        <span class="chart-title">{title}</span>
        <span class="chart-now">
          {format(last)} {unit}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} class="axis" />
        <line x1={pad.left} x2={width - pad.right} y1={y(max)} y2={y(max)} class="grid" />
        <text x={pad.left - 4} y={y(max) + 4} class="tick" text-anchor="end">
          {format(max)}
        </text>
        <text x={pad.left - 4} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        <text x={pad.left} y={height - 4} class="tick">
          −{slots}s
        </text>
        <text x={width - pad.right} y={height - 4} class="tick" text-anchor="end">
          now
        </text>
        {points.map((p, i) => (
          <rect x={pad.left + (offset + i) * bw + 1} y={y(p.value)} width={Math.max(1, bw - 2)} height={y(0) - y(p.value)} class="bar">
            <title>
              {new Date(p.t).toLocaleTimeString()}: {format(p.value)} {unit}
            </title>
          </rect>
        ))}
      </svg>
    </figure>
  );
}
