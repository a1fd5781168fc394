import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** Line colour. */
  stroke: string;
  /** Shown in the legend and tooltip, e.g. `(v) => `${v} ms``. */
  format?: (value: number) => string;
}

interface Props {
  /** The chart's accessible name; the numbers it draws are also shown as text beside it. */
  label: string;
  testId: string;
  series: readonly ChartSeries[];
  /** Unix seconds, ascending. */
  times: readonly number[];
  /** One array per series, aligned with `times` (null: no value there). */
  values: readonly (readonly (number | null)[])[];
  height?: number;
  /** Unit of the y axis, shown after its values. */
  unit?: string;
}

const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

const aligned = (times: readonly number[], values: Props['values']): uPlot.AlignedData => [
  times as number[],
  ...values.map((v) => v as (number | null)[]),
];

/**
 * A time-series line chart (uPlot). The chart is created once and its data replaced in place on every
 * update, so a live view refreshes without flicker; it follows its container's width.
 */
export function TimeChart({ label, testId, series, times, values, height = 220, unit }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | undefined>(undefined);
  const latest = useRef<uPlot.AlignedData>(aligned(times, values));

  // the series' labels and colours make the chart: a new set re-creates it
  const shape = JSON.stringify(series.map((s) => [s.label, s.stroke])) + (unit ?? '');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `shape` stands for `series` and `unit`
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      // times in UTC, as everywhere in the portal
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: '#5b6b7b', grid: { stroke: '#eceff3' } },
        {
          stroke: '#5b6b7b',
          grid: { stroke: '#eceff3' },
          size: 56,
          // whole numbers only: payments and milliseconds
          incrs: INTEGER_STEPS,
          values: (_u, ticks) => ticks.map((t) => (unit ? `${t} ${unit}` : String(t))),
        },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          points: { show: false },
          spanGaps: true,
          ...(s.format ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : s.format!(v)) } : {}),
        })),
      ],
    };
    const u = new uPlot(opts, latest.current, el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = undefined;
    };
  }, [shape, height]);

  useEffect(() => {
    latest.current = aligned(times, values);
    chart.current?.setData(latest.current);
  }, [times, values]);

  return <div className="chart" ref={box} role="img" aria-label={label} data-testid={testId} />;
}
