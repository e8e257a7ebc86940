import type { Histogram as Hist } from '../../../../shared/api/studio-contract';

/** Short label of a bin edge: integers as they are, fractions as ratios (1/2 -> "1:2"), else one decimal. */
export function edgeLabel(v: number, ratio: boolean): string {
  if (!ratio) return String(Math.round(v));
  if (v === 0) return '0';
  if (v >= 1) return Number.isInteger(v) ? `${v}:1` : `${+(v * 2).toFixed(2)}:2`;
  const inv = 1 / v;
  return Number.isInteger(+inv.toFixed(6)) ? `1:${Math.round(inv)}` : `2:${+(2 * inv).toFixed(2)}`;
}

/** A vertical bar chart of histogram bins in plain SVG; the last bin reads "≥ edge". */
export function Histogram(props: { data: Hist; ratio?: boolean; testId: string; color?: string }) {
  const { edges, counts } = props.data;
  // Drop empty bins at both ends so the bars use the width.
  let lo = counts.findIndex((n) => n > 0);
  let hi = counts.length - 1 - [...counts].reverse().findIndex((n) => n > 0);
  if (lo < 0) [lo, hi] = [0, counts.length - 1];
  const bins = counts.slice(lo, hi + 1).map((n, k) => {
    const i = lo + k;
    const a = edgeLabel(edges[i]!, !!props.ratio);
    const label = i === edges.length - 1 ? `≥${a}` : `${a}–${edgeLabel(edges[i + 1]!, !!props.ratio)}`;
    return { n, label };
  });
  const max = Math.max(1, ...bins.map((b) => b.n));
  const W = 420;
  const H = 130;
  const bw = W / bins.length;
  return (
    <svg className="hist" viewBox={`0 0 ${W} ${H + 30}`} width="100%" data-testid={props.testId} role="img">
      {bins.map((b, k) => {
        const h = (H - 14) * (b.n / max);
        return (
          <g key={b.label} transform={`translate(${k * bw}, 0)`}>
            <rect
              className="bar"
              x={3}
              y={H - h}
              width={bw - 6}
              height={Math.max(h, 1)}
              rx={2}
              fill={props.color ?? '#4c8dff'}
            >
              <title>
                {b.label}: {b.n}
              </title>
            </rect>
            <text className="n" x={bw / 2} y={H - h - 3} textAnchor="middle">
              {b.n || ''}
            </text>
            <text className="lbl" x={bw / 2} y={H + 14} textAnchor="middle">
              {b.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
