import type { Histogram as Hist } from '../../../../shared/api/studio-contract';
import { edgeLabel } from './edge-label';

/** A vertical bar chart of histogram bins in plain SVG; the last bin reads "≥ edge". */
export function Histogram(props: { data: Hist; ratio?: boolean; testId: string; color?: string }) {
  const { edges, counts } = props.data;
  // Drop empty bins at both ends so the bars use the width.
  let lo = counts.findIndex((n) => n > 0);
  let hi = counts.length - 1 - [...counts].reverse().findIndex((n) => n > 0);
  if (lo < 0) [lo, hi] = [0, counts.length - 1];
  // Keep some empty neighbours: two bars alone say nothing about the range.
  while (hi - lo + 1 < Math.min(6, counts.length)) {
    if (lo > 0) lo--;
    if (hi - lo + 1 < Math.min(6, counts.length) && hi < counts.length - 1) hi++;
  }
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
