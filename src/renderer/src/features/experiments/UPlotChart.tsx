// Why uPlot (over Chart.js, Recharts, ECharts or hand-drawn SVG): it is a dependency already (the CLI's HTML
// report inlines it, so the app and the report draw the same charts), it is ~50 KB with no dependencies, it draws
// tens of thousands of points on a canvas without a virtual DOM (live step losses stream in several times a
// second while the app stays responsive), and it has what these views need built in: line series with gaps
// (null), filled bands between two series (mean +- sd), bar paths, a cursor legend with exact values and
// synchronised cursors. Recharts re-renders SVG through React per point; ECharts is ~1 MB; Chart.js lacks
// bands without plugins. Nothing here is hand-drawn: this wrapper only sizes the chart and feeds it data.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Props of a uPlot chart: options without size (the wrapper fits its container) and the aligned data. */
export interface UPlotProps {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  testId?: string;
}

/** One uPlot chart that follows its container's width; recreated when the series change, else fed new data. */
export function UPlotChart({ options, data, height = 220, testId }: UPlotProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify(options.series.map((s) => s.label)) + JSON.stringify(options.bands ?? null);

  useEffect(() => {
    const el = wrap.current!;
    const u = new uPlot(
      { ...options, width: Math.max(200, el.clientWidth), height } as uPlot.Options,
      data,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Recreate only when the series layout changes; data updates go through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={wrap} className="uplot-wrap" data-testid={testId} />;
}

/** Colours of arms and runs, the same everywhere (the CLI report uses this palette too). */
export const PALETTE = [
  '#4c8dff',
  '#ff6b6b',
  '#3ecf8e',
  '#f5a524',
  '#b57bff',
  '#42d4f4',
  '#f032e6',
  '#c9a36b',
];

/** A translucent version of a #rrggbb colour for bands. */
export function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/** Axis styling readable on the dark theme. */
export const AXES: uPlot.Axis[] = [
  { stroke: '#8b93a6', grid: { stroke: '#2a2f3a' }, ticks: { stroke: '#2a2f3a' } },
  { stroke: '#8b93a6', grid: { stroke: '#2a2f3a' }, ticks: { stroke: '#2a2f3a' }, size: 56 },
];

/** A y axis of mAP or AP in percent (0-100, the unit the studio shows everywhere), its ticks ending in %. */
export const PCT_AXIS: uPlot.Axis = {
  ...AXES[1],
  values: (_u, ticks) => ticks.map((v) => `${+v.toFixed(1)}%`),
};

/** Axes of per-epoch charts: whole-epoch ticks only (uPlot would label 1.2, 1.4, ... on short runs). */
export const EPOCH_AXES: uPlot.Axis[] = [
  { ...AXES[0], incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000] },
  AXES[1]!,
];
