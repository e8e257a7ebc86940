import { useEffect, useMemo, useState } from 'react';
import uPlot from 'uplot';
import type { RunRowView, RunTestEval } from '../../../../shared/api/runs-contract';
import type { EpochMetrics } from '../../../../shared/domain/runs';
import type { Figure } from '../../../../shared/stats/study-stats';
import type { Connection } from '../../api/client';
import { ArmCharts } from './ArmCharts';
import { ARM_FIGURES, armsOf } from './arms';
import { type ApartRun, armKey } from './comparable';
import { figureParts } from './study-figures';
import { alpha, AXES, PALETTE, PCT_AXIS, UPlotChart } from './UPlotChart';
import { formatDuration, formatPct } from './view-model';

/** One figure over an arm's seeds in the runs table's own format, written as the study panel writes it. */
function FigureCell({ f, fmt }: { f: Figure; fmt: (v: number) => string }) {
  const t = figureParts(f, fmt);
  return (
    <>
      <div>{t.main}</div>
      {t.ci && <div className="ci">{t.ci}</div>}
    </>
  );
}

const ARM_COLS: { key: (typeof ARM_FIGURES)[number]; title: string; fmt(v: number): string }[] = [
  { key: 'testMAP50', title: 'test mAP50 %', fmt: (v) => formatPct(v) },
  { key: 'testMAP50_95', title: 'test mAP50-95 %', fmt: (v) => formatPct(v) },
  { key: 'gap', title: 'gap', fmt: (v) => v.toFixed(3) },
  { key: 'weightNorm', title: '|w|', fmt: (v) => v.toFixed(1) },
  { key: 'durationS', title: 'duration', fmt: formatDuration },
];

/**
 * The compare view: verdict, per-arm table, curves with mean ± sd bands, per-class AP and PR curves on test.
 * Only comparable runs are pooled (`rows`); the others are listed apart with the settings in which they differ.
 */
export function CompareView({
  conn,
  rows,
  apart,
  nameOf,
  evals,
}: {
  conn: Connection;
  rows: RunRowView[];
  apart: ApartRun[];
  nameOf(id: string): string;
  evals: Map<string, RunTestEval>;
}) {
  const [verdict, setVerdict] = useState<{ text: string; claim: boolean }[] | null>(null);
  const [epochs, setEpochs] = useState<Map<string, EpochMetrics[]>>(new Map());
  const [err, setErr] = useState<string | null>(null);
  const key = rows.map((r) => r.id).join(',');
  useEffect(() => {
    const runIds = key ? key.split(',') : [];
    if (runIds.length === 0) return;
    let live = true;
    setErr(null);
    void conn.api['runs.compare']({ runIds }).then(
      (c) =>
        live &&
        setVerdict(
          c.verdict.map((text) => ({ text, claim: c.verdicts.some((v) => v.sentence === text && v.claim) })),
        ),
      (e: Error) => live && setErr(e.message),
    );
    void Promise.all(
      runIds.map((runId) => conn.api['runs.epochs']({ runId }).then((e) => [runId, e] as const)),
    ).then((all) => live && setEpochs(new Map(all)));
    return () => {
      live = false;
    };
  }, [conn, key]);
  const arms = useMemo(() => armsOf(rows), [rows]);
  if (rows.length === 0 && apart.length === 0)
    return <div className="card hint">Select runs in the table to compare them.</div>;
  const armKeys = arms.map((a) => a.key);
  const color = (arm: string) => PALETTE[armKeys.indexOf(arm) % PALETTE.length]!;
  const labelOf = (arm: string) => arms.find((a) => a.key === arm)?.label ?? arm;
  return (
    <div className="compare" data-testid="compare">
      <div className="card">
        <h2>Verdict on the test split</h2>
        {err ? (
          <p className="err">{err}</p>
        ) : !verdict ? (
          <p className="hint">Loading the comparison…</p>
        ) : (
          <ul className="verdict" data-testid="verdict">
            {verdict.map((v) => (
              <li key={v.text} className={v.claim ? 'claim' : 'noclaim'}>
                {v.text}
              </li>
            ))}
          </ul>
        )}
        <p className="hint">
          Judged like a study (the same rule and words as <code>ridge study show</code>): each arm against the
          baseline by the seed-paired difference, its 95% interval from the seeds and a bootstrap over the
          test images, Holm's correction across arms. Runs that cannot be paired by seed get no verdict.
          Differences are in points of mAP (%).
        </p>
        <table className="mini arms" data-testid="arms-table">
          <thead>
            <tr>
              <th>arm</th>
              <th>runs</th>
              {ARM_COLS.map((c) => (
                <th key={c.key}>{c.title}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {arms.map((a) => (
              <tr key={a.key}>
                <td data-col="arm">
                  <span className="swatch" style={{ background: color(a.key) }} /> {a.label}
                </td>
                <td data-col="runs">{a.rows.length}</td>
                {ARM_COLS.map((c) => (
                  <td key={c.key} data-col={c.key}>
                    <FigureCell f={a.figures[c.key]} fmt={c.fmt} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">Per arm: mean ± sd over its runs, [95% t-interval] below (two runs or more).</p>
        {apart.length > 0 && (
          <div className="not-comparable" data-testid="not-comparable">
            <h3>
              Not pooled: {apart.length} run{apart.length === 1 ? '' : 's'} with other settings
            </h3>
            <p className="hint">
              Arms pool runs that differ only in regularization and seed; these differ in more, so they are
              left out of the arms above. Select them alone to compare them with each other.
            </p>
            <ul>
              {apart.map((r) => (
                <li key={r.id}>
                  {nameOf(r.id)}:{' '}
                  {r.differs.map((d) => `${d.setting} ${d.value} (compared runs: ${d.compared})`).join(', ')}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <ArmCharts rows={rows} epochs={epochs} arms={armKeys} labelOf={labelOf} color={color} />
      <TestCharts rows={rows} evals={evals} arms={armKeys} labelOf={labelOf} color={color} />
    </div>
  );
}

/** Per-class AP50 bars and PR curves at IoU .5, averaged over each arm's runs (test split, cached per run). */
function TestCharts(p: {
  rows: RunRowView[];
  evals: Map<string, RunTestEval>;
  arms: string[];
  labelOf(arm: string): string;
  color(a: string): string;
}) {
  const [cls, setCls] = useState(-1);
  const byArm = useMemo(
    () =>
      p.arms.map((arm) => ({
        arm,
        evals: p.rows
          .filter((r) => armKey(r) === arm)
          .map((r) => p.evals.get(r.id))
          .filter((e): e is RunTestEval => !!e),
      })),
    [p.arms, p.rows, p.evals],
  );
  const first = byArm.find((a) => a.evals.length)?.evals[0];
  if (!first) return <div className="card hint">Evaluating the test split (per-class AP, PR curves)…</div>;
  const classes = first.classes;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  // AP is shown in percent, as everywhere in the studio.
  const pctOf = (v: number | null) => (v === null ? null : 100 * v);
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
          j === k ? pctOf(mean(a.evals.map((e) => e.perClass[ci]?.AP50 ?? 0).filter((v) => v >= 0))) : null,
        ),
      );
    }),
  );
  const bars: uPlot.Options = {
    width: 0,
    height: 0,
    scales: { x: { time: false, range: [-0.6, classes.length - 0.4] }, y: { range: [0, 100] } },
    axes: [
      {
        ...AXES[0],
        splits: () => classes.map((_c, i) => i),
        values: (_u, t) => t.map((v) => classes[v] ?? ''),
      },
      PCT_AXIS,
    ],
    series: [
      { label: 'class' },
      ...byArm.map((a) => ({
        label: `${p.labelOf(a.arm)} AP50 %`,
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
          <h3>AP50 per class (%)</h3>
          <UPlotChart testId="ap-bars" options={bars} data={[xs, ...ys] as uPlot.AlignedData} />
        </div>
        <div>
          <h3>Precision vs recall (fractions of the boxes)</h3>
          <UPlotChart
            testId="pr-curves"
            data={prData as uPlot.AlignedData}
            options={{
              scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
              axes: AXES,
              series: [
                { label: 'recall' },
                ...byArm.map((a) => ({ label: p.labelOf(a.arm), stroke: p.color(a.arm), width: 2 })),
              ],
            }}
          />
        </div>
      </div>
    </div>
  );
}
