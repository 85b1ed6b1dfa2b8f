/**
 * A line chart of one metric's data points over time, drawn as SVG: a line through the points
 * (broken where a period has no data), a dot per point with its value as a tooltip, the time
 * range below and the largest value on the axis. Screen readers get a summary, and every point
 * is in a table under "Data points".
 */
import { useId, useState } from 'preact/hooks';
import type { DataPoint } from '../lib/metric-series.js';

export interface LineChartProps {
  readonly title: string;
  /** "Sum per 5 seconds". */
  readonly subtitle: string;
  readonly points: readonly DataPoint[];
  /** The time range to draw, epoch ms: the same for every chart on a page, so they line up. */
  readonly from: number;
  readonly to: number;
  readonly format: (n: number) => string;
  /** A line under the chart, e.g. the counter's total so far. */
  readonly note?: string | undefined;
}

// Drawn at about the size it is shown, so the text is not stretched.
const W = 400;
const H = 160;
const PAD = { left: 52, right: 8, top: 10, bottom: 20 };

const clock = (t: number): string => new Date(t).toLocaleTimeString([], { hour12: false });

/** A round number at or above `max`, so the axis reads 1, 2, 5, 10, 20, 50... */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 2.5, 5, 10].find((m) => m * p >= max) ?? 10) * p;
}

export function LineChart({ title, subtitle, points, from, to, format, note }: LineChartProps) {
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const top = niceCeiling(Math.max(0, ...values));
  const span = Math.max(1, to - from);
  const x = (t: number): number => PAD.left + ((W - PAD.left - PAD.right) * (t - from)) / span;
  const y = (v: number): number => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / top);
  const latest = [...points].reverse().find((p) => p.value !== null);

  // Runs of consecutive points with data become one polyline each.
  const runs: DataPoint[][] = [];
  let run: DataPoint[] = [];
  for (const p of points) {
    if (p.value === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length) runs.push(run);

  const summary =
    values.length === 0
      ? `${title}, ${subtitle}: no data points yet.`
      : `${title}, ${subtitle}: latest ${format(latest!.value!)} at ${clock(latest!.t)}, maximum ${format(Math.max(...values))}, ${values.length} data points from ${clock(from)} to ${clock(to)}.`;

  return (
    <figure class="chart line-chart" aria-labelledby={`${id}-title`}>
      <figcaption>
        <span>
          <span class="chart-title" id={`${id}-title`}>
            {title}
          </span>{' '}
          <span class="muted small">{subtitle}</span>
        </span>
        <span class="chart-now">{latest ? format(latest.value!) : '—'}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
        <line x1={PAD.left} x2={W - PAD.right} y1={y(top)} y2={y(top)} class="grid" />
        <line x1={PAD.left} x2={W - PAD.right} y1={y(top / 2)} y2={y(top / 2)} class="grid" />
        <text x={PAD.left - 4} y={y(top) + 4} class="tick" text-anchor="end">
          {format(top)}
        </text>
        <text x={PAD.left - 4} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        <text x={PAD.left} y={H - 5} class="tick">
          {clock(from)}
        </text>
        <text x={W - PAD.right} y={H - 5} class="tick" text-anchor="end">
          {clock(to)}
        </text>
        {runs.map((r) => (
          <polyline class="line" points={r.map((p) => `${x(p.t).toFixed(1)},${y(p.value!).toFixed(1)}`).join(' ')} />
        ))}
        {points.map((p) =>
          p.value === null ? null : (
            <circle class="dot" cx={x(p.t)} cy={y(p.value)} r={2.5}>
              <title>
                {clock(p.t)}: {format(p.value)}
              </title>
            </circle>
          ),
        )}
      </svg>
      {note ? <p class="small muted chart-note">{note}</p> : null}
      <details onToggle={(e) => setShowTable((e.currentTarget as HTMLDetailsElement).open)}>
        <summary class="small">Data points</summary>
        {showTable ? (
          <table class="compact small" aria-label={`Data points of ${title}`}>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">{subtitle}</th>
              </tr>
            </thead>
            <tbody>
              {[...points].reverse().map((p) => (
                <tr>
                  <td class="mono">{clock(p.t)}</td>
                  <td class="mono">{p.value === null ? 'no data' : format(p.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </details>
    </figure>
  );
}
