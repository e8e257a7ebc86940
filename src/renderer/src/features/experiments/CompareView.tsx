import { useEffect, useMemo, useState } from 'react';
import uPlot from 'uplot';
import type { ArmSummaryView, RunRowView, RunTestEval } from '../../../../shared/api/runs-contract';
import type { EpochMetrics } from '../../../../shared/domain/runs';
import type { Connection } from '../../api/client';
import { ArmCharts } from './ArmCharts';
import { alpha, AXES, PALETTE, UPlotChart } from './UPlotChart';

const pm = (s: ArmSummaryView['testMAP50'], scale = 100, d = 1) =>
  Number.isFinite(s.mean) && s.n > 0 ? `${(s.mean * scale).toFixed(d)} ± ${(s.sd * scale).toFixed(d)}` : '–';

/** The compare view: verdict, per-arm table, curves with mean ± sd bands, per-class AP and PR curves on test. */
export function CompareView({
  conn,
  runIds,
  evals,
}: {
  conn: Connection;
  runIds: string[];
  evals: Map<string, RunTestEval>;
}) {
  const [cmp, setCmp] = useState<{ arms: ArmSummaryView[]; verdict: string[]; rows: RunRowView[] } | null>(
    null,
  );
  const [epochs, setEpochs] = useState<Map<string, EpochMetrics[]>>(new Map());
  const [err, setErr] = useState<string | null>(null);
  const key = runIds.join(',');
  useEffect(() => {
    const runIds = key ? key.split(',') : [];
    if (runIds.length === 0) return;
    let live = true;
    void conn.api['runs.compare']({ runIds }).then(
      (c) => live && setCmp(c),
      (e: Error) => live && setErr(e.message),
    );
    void Promise.all(
      runIds.map((runId) => conn.api['runs.epochs']({ runId }).then((e) => [runId, e] as const)),
    ).then((all) => live && setEpochs(new Map(all)));
    return () => {
      live = false;
    };
  }, [conn, key]);
  if (runIds.length === 0) return <div className="card hint">Select runs in the table to compare them.</div>;
  if (err) return <div className="card err">{err}</div>;
  if (!cmp) return <div className="card hint">Loading the comparison…</div>;
  const armNames = cmp.arms.map((a) => a.arm);
  const color = (arm: string) => PALETTE[armNames.indexOf(arm) % PALETTE.length]!;
  return (
    <div className="compare" data-testid="compare">
      <div className="card">
        <h2>Verdict on the test split</h2>
        <ul className="verdict" data-testid="verdict">
          {cmp.verdict.map((v) => (
            <li key={v} className={v.includes('no claim') ? 'noclaim' : 'claim'}>
              {v}
            </li>
          ))}
        </ul>
        <p className="hint">
          A difference is claimed only when the arms' mean ± sd intervals over seeds do not overlap (at least
          2 finished seeds each); otherwise the verdict says “no claim”.
        </p>
        <table className="mini arms" data-testid="arms-table">
          <thead>
            <tr>
              <th>arm</th>
              <th>runs</th>
              <th>test mAP50 %</th>
              <th>test mAP50-95 %</th>
              <th>gap</th>
              <th>|w|</th>
              <th>seconds</th>
            </tr>
          </thead>
          <tbody>
            {cmp.arms.map((a) => (
              <tr key={a.arm}>
                <td>
                  <span className="swatch" style={{ background: color(a.arm) }} /> {a.arm}
                </td>
                <td>{a.runs}</td>
                <td>{pm(a.testMAP50)}</td>
                <td>{pm(a.testMAP50_95)}</td>
                <td>{pm(a.gap, 1, 3)}</td>
                <td>{pm(a.weightNorm, 1, 1)}</td>
                <td>{pm(a.seconds, 1, 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ArmCharts rows={cmp.rows} epochs={epochs} arms={armNames} color={color} />
      <TestCharts rows={cmp.rows} evals={evals} arms={armNames} color={color} />
    </div>
  );
}

/** Per-class AP50 bars and PR curves at IoU .5, averaged over each arm's runs (test split, cached per run). */
function TestCharts(p: {
  rows: RunRowView[];
  evals: Map<string, RunTestEval>;
  arms: string[];
  color(a: string): string;
}) {
  const [cls, setCls] = useState(-1);
  const byArm = useMemo(
    () =>
      p.arms.map((arm) => ({
        arm,
        evals: p.rows
          .filter((r) => r.arm === arm)
          .map((r) => p.evals.get(r.id))
          .filter((e): e is RunTestEval => !!e),
      })),
    [p.arms, p.rows, p.evals],
  );
  const first = byArm.find((a) => a.evals.length)?.evals[0];
  if (!first) return <div className="card hint">Evaluating the test split (per-class AP, PR curves)…</div>;
  const classes = first.classes;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  // Grouped bars: arm k of class c sits at c + offset(k); uPlot needs one shared x, other arms are null there.
  const A = byArm.length;
  const w = 0.8 / A;
  const xs: number[] = [];
  const ys: (number | null)[][] = byArm.map(() => []);
  classes.forEach((_c, ci) =>
    byArm.forEach((a, k) => {
      xs.push(ci - 0.4 + w * (k + 0.5));
      byArm.forEach((_b, j) =>
        ys[j]!.push(
          j === k ? mean(a.evals.map((e) => e.perClass[ci]?.AP50 ?? 0).filter((v) => v >= 0)) : null,
        ),
      );
    }),
  );
  const bars: uPlot.Options = {
    width: 0,
    height: 0,
    scales: { x: { time: false, range: [-0.6, classes.length - 0.4] }, y: { range: [0, 1] } },
    axes: [
      {
        ...AXES[0],
        splits: () => classes.map((_c, i) => i),
        values: (_u, t) => t.map((v) => classes[v] ?? ''),
      },
      AXES[1]!,
    ],
    series: [
      { label: 'class' },
      ...byArm.map((a) => ({
        label: `${a.arm} AP50`,
        fill: alpha(p.color(a.arm), 0.75),
        stroke: p.color(a.arm),
        paths: uPlot.paths.bars!({ size: [0.9, 80] }),
        points: { show: false },
      })),
    ],
  };
  const rec = first.recallThresholds;
  const prOf = (e: RunTestEval) => {
    const curves = cls >= 0 ? [e.perClass[cls]] : e.perClass.filter((c) => c.numGt > 0);
    return rec.map((_r, i) => mean(curves.map((c) => c?.precision50[i] ?? -1).filter((v) => v >= 0)));
  };
  const prData = [
    rec,
    ...byArm.map((a) =>
      rec.map((_r, i) => mean(a.evals.map((e) => prOf(e)[i]).filter((v): v is number => v !== null))),
    ),
  ];
  return (
    <div className="card">
      <div className="xrow">
        <h2>Test split: per-class AP50 and PR curves (IoU .5)</h2>
        <span className="spacer" />
        <label className="hint">
          PR curve of{' '}
          <select value={cls} onChange={(e) => setCls(Number(e.target.value))} aria-label="PR class">
            <option value={-1}>all classes (mean)</option>
            {classes.map((c, i) => (
              <option key={c} value={i}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">
        Mean over each arm's evaluated runs; predictions of the best checkpoint on the frozen test split.
      </p>
      <div className="charts2">
        <div>
          <h3>AP50 per class</h3>
          <UPlotChart testId="ap-bars" options={bars} data={[xs, ...ys] as uPlot.AlignedData} />
        </div>
        <div>
          <h3>Precision vs recall</h3>
          <UPlotChart
            testId="pr-curves"
            data={prData as uPlot.AlignedData}
            options={{
              scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
              axes: AXES,
              series: [
                { label: 'recall' },
                ...byArm.map((a) => ({ label: a.arm, stroke: p.color(a.arm), width: 2 })),
              ],
            }}
          />
        </div>
      </div>
    </div>
  );
}
