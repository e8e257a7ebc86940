import type uPlot from 'uplot';
import type { StudyArmView } from '../../../../shared/api/runs-contract';
import { SWEEP_METRICS, sweepsOf } from '../../../../shared/stats/sweep';
import { armLabel } from '../../../../shared/stats/verdicts';
import { bandEdge } from './band-legend';
import { known } from './study-figures';
import { alpha, AXES, PALETTE, PCT_AXIS, UPlotChart } from './UPlotChart';

/**
 * Lambda sweeps of a study (shared/stats/sweep.ts, the report's computation): per mode with two or more strengths,
 * test mAP50-95, mPC, gap and |w| against log10 lambda, the mean over seeds with its 95% interval as a band, the
 * baseline arm's mean as a flat dashed line, and the best strength said in words.
 */
export function SweepCharts({ arms, baseline }: { arms: StudyArmView[]; baseline: string }) {
  const sweeps = sweepsOf(arms);
  if (sweeps.length === 0) return null;
  const base = arms.find((a) => a.arm === baseline);
  return (
    <div className="sweeps" data-testid="sweeps">
      <h3>Sweeps against lambda (log scale)</h3>
      <p className="hint sweep-key">
        <span className="key-line" style={{ borderColor: PALETTE[1] }} /> mean over seeds, shaded: its 95%
        interval <span className="key-line dashed" /> baseline
        {base ? ` (${armLabel(base.reg, base.lambda)})` : ''}
      </p>
      {sweeps.map((sw, si) => {
        const xs = sw.lambdas.map((l) => Math.log10(l));
        const color = PALETTE[(si + 1) % PALETTE.length]!; // PALETTE[1] for the first, as the key says
        const lo = Math.min(...xs) - 0.3;
        const hi = Math.max(...xs) + 0.3;
        return (
          <div key={sw.mode} data-sweep={sw.mode}>
            <p className="best" data-testid="best-lambda">
              {sw.bestSentence}
            </p>
            <div className="charts2">
              {SWEEP_METRICS.filter((m) => sw.figures[m.key].some((f) => known(f.mean))).map((m) => {
                const k = m.percent ? 100 : 1;
                const f = sw.figures[m.key];
                const v = (x: number | null) => (known(x) ? x * k : null);
                const b = base?.[m.key];
                const baseY = b && known(b.mean) ? b.mean * k : null;
                const series: uPlot.Series[] = [
                  { label: 'log10 lambda' },
                  {
                    label: 'mean over seeds',
                    stroke: color,
                    width: 2,
                    points: { show: true, size: 7 },
                  },
                  bandEdge('95% high'),
                  bandEdge('95% low'),
                ];
                const data: (number | null)[][] = [
                  xs,
                  f.map((x) => v(x.mean)),
                  f.map((x) => v(x.ci[1])),
                  f.map((x) => v(x.ci[0])),
                ];
                if (baseY !== null && base) {
                  series.push({
                    label: `${armLabel(base.reg, base.lambda)} (baseline)`,
                    stroke: '#c7ccd6',
                    width: 1.5,
                    dash: [6, 4],
                    points: { show: false },
                  });
                  data.push(xs.map(() => baseY));
                }
                return (
                  <div key={m.key}>
                    <h3>
                      {m.title}
                      {m.percent ? ' (%)' : ''}
                    </h3>
                    <UPlotChart
                      testId={`sweep-${sw.mode}-${m.key}`}
                      height={200}
                      data={[xs, ...data.slice(1)] as uPlot.AlignedData}
                      options={{
                        scales: { x: { time: false, range: [lo, hi] } },
                        axes: [
                          {
                            ...AXES[0],
                            splits: () => xs,
                            values: (_u, t) => t.map((x) => armLabel('l2', 10 ** x).slice(3)),
                          },
                          m.percent ? PCT_AXIS : AXES[1]!,
                        ],
                        series,
                        legend: { show: false },
                        bands: [{ series: [2, 3], fill: alpha(color, 0.2) }],
                      }}
                    />
                  </div>
                );
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}
