import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import type { RunRowView } from '../../../../shared/api/runs-contract';
import type { EpochMetrics } from '../../../../shared/domain/runs';
import { bandEdge, bandsFollowMeans } from './band-legend';
import { armKey } from './comparable';
import { alpha, EPOCH_AXES, PCT_AXIS, UPlotChart } from './UPlotChart';
import { band, epochAxis, type MetricKey, seriesOf, smooth } from './view-model';

/** The per-epoch charts of the compare view, each metric with what it answers. */
const CHARTS: { keys: MetricKey[]; title: string; note: string; pct?: boolean }[] = [
  {
    keys: ['valDataLoss', 'trainDataLoss'],
    title: 'Loss per epoch (val solid, train dashed)',
    note: 'data loss in eval mode, penalty excluded',
  },
  { keys: ['mAP50'], title: 'Validation mAP50 (%)', note: '', pct: true },
  { keys: ['mAP50_95'], title: 'Validation mAP50-95 (%)', note: '', pct: true },
  { keys: ['gap'], title: 'Gap: val minus train data loss', note: 'overfitting shows as a growing gap' },
  { keys: ['weightNorm'], title: 'Weight norm (L2 of kernels)', note: 'what L2 and weight decay shrink' },
];

/** Overlaid per-epoch curves of the selected runs gathered by arm: mean line and a mean ± sd band over seeds. */
export function ArmCharts(p: {
  rows: RunRowView[];
  epochs: Map<string, EpochMetrics[]>;
  arms: string[];
  labelOf(arm: string): string;
  color(arm: string): string;
}) {
  const [weight, setWeight] = useState(0);
  const [perRun, setPerRun] = useState(false);
  // The x axis is the epoch numbers the trainer reported (as the runs table's best epoch uses them).
  const xs = useMemo(() => epochAxis(p.epochs.values()), [p.epochs]);
  const n = xs.length;
  const charts = useMemo(
    () =>
      CHARTS.map((c) => {
        const series: uPlot.Series[] = [{ label: 'epoch' }];
        const data: (number | null)[][] = [];
        const bands: uPlot.Band[] = [];
        const links = new Map<number, number[]>();
        // mAP in percent, as in the tables; losses, gap and |w| in their own units, each on its own chart.
        const k = c.pct ? 100 : 1;
        for (const arm of p.arms) {
          const name = p.labelOf(arm);
          const runs = p.rows.filter((r) => armKey(r) === arm);
          c.keys.forEach((key, ki) => {
            const per = runs.map((r) =>
              smooth(seriesOf(p.epochs.get(r.id) ?? [], key, xs), weight).map((v) =>
                v === null ? v : k * v,
              ),
            );
            const dash = ki === 1 ? [6, 4] : undefined;
            const pts = { points: { show: n <= 12, size: 6 } };
            if (perRun) {
              runs.forEach((r, i) => {
                series.push({
                  label: `${name} s${r.seed}${ki ? ' train' : ''}`,
                  stroke: p.color(arm),
                  width: 1.2,
                  ...pts,
                  ...(dash ? { dash } : {}),
                });
                data.push(per[i]!);
              });
              return;
            }
            const b = band(per);
            series.push({
              label: `${name}${c.keys.length > 1 ? (ki ? ' train' : ' val') : ''} (n=${runs.length})`,
              stroke: p.color(arm),
              width: 2,
              ...pts,
              ...(dash ? { dash } : {}),
            });
            data.push(b.mean);
            if (ki === 0 && runs.length > 1) {
              const mean = series.length - 1;
              series.push(bandEdge(`${name} +sd`), bandEdge(`${name} -sd`));
              data.push(b.hi, b.lo);
              links.set(mean, [mean + 1, mean + 2]);
              bands.push({ series: [mean + 1, mean + 2], fill: alpha(p.color(arm), 0.18) });
            }
          });
        }
        return { ...c, series, data: [xs, ...data] as uPlot.AlignedData, bands, links };
      }),
    [p.arms, p.rows, p.epochs, p.color, p.labelOf, n, xs, weight, perRun],
  );
  return (
    <div className="card">
      <div className="xrow">
        <h2>Per epoch (validation unless noted)</h2>
        <span className="spacer" />
        <label className="hint">
          smoothing {weight.toFixed(2)}{' '}
          <input
            type="range"
            min={0}
            max={0.95}
            step={0.05}
            value={weight}
            aria-label="smoothing"
            onChange={(e) => setWeight(Number(e.target.value))}
          />
        </label>
        <label className="hint">
          <input type="checkbox" checked={perRun} onChange={(e) => setPerRun(e.target.checked)} /> each run
          instead of mean ± sd
        </label>
      </div>
      <div className="charts2">
        {charts.map((c) => (
          <div key={c.title}>
            <h3>
              {c.title} {c.note && <small className="hint">{c.note}</small>}
            </h3>
            <UPlotChart
              testId={`chart-${c.keys[0]}`}
              data={c.data}
              options={{
                scales: { x: { time: false } },
                axes: c.pct ? [EPOCH_AXES[0]!, PCT_AXIS] : EPOCH_AXES,
                series: c.series,
                bands: c.bands,
                hooks: { setSeries: [bandsFollowMeans(c.links)] },
              }}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
