import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type EpochMetrics, optimizerLabel, type RunRecord } from '../../../shared/domain/runs';
import { type Project, RUNS_DIR } from '../project/project';
import type { StudyDocument } from '../../../shared/api/runs-contract';
import type { Comparison } from './compare';
import { saliencySection } from './saliency-example';
import { esc, studyIntro, studyTable, sweepData } from './study-report';

/** Everything a comparison report shows. */
export interface ReportData {
  title: string;
  createdAt: string;
  manifestHash: string;
  /** How the runs were optimized ("Adam", "AdamW (decoupled weight decay)", or both). */
  optimizer: string;
  verdict: string[];
  runs: RunRecord[];
  epochs: Record<string, EpochMetrics[]>;
  /** The sections with intervals: question and plan (a study's; an ad-hoc comparison says what it is), the per-arm table, sweeps. */
  study: { intro: string; table: string; sweeps: ReturnType<typeof sweepData> };
  /** The two saliency examples (a study's; saliency-example.ts), or nothing for an ad-hoc comparison. */
  saliency?: string;
}

function uplotAssets(): { js: string; css: string } {
  return {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

const CHARTS: [key: keyof EpochMetrics | 'gap', title: string][] = [
  ['mAP50_95', 'Validation mAP50-95 per epoch'],
  ['mAP50', 'Validation mAP50 per epoch'],
  ['trainDataLoss', 'Train data loss (eval mode)'],
  ['valDataLoss', 'Validation data loss'],
  ['gap', 'Gap: val minus train data loss'],
  ['weightNorm', 'Weight norm (L2 of conv/dense kernels)'],
];

/**
 * A self-contained HTML report of a comparison (uPlot and the data inlined, no network): the per-arm table, the
 * verdict, and per-epoch curves of every run, coloured by arm.
 */
export function renderReport(d: ReportData): string {
  const { js, css } = uplotAssets();
  const payload = JSON.stringify({
    arms: [...new Set(d.runs.map((r) => r.config.arm))],
    runs: d.runs.map((r) => ({ id: r.id, arm: r.config.arm, seed: r.config.seed })),
    epochs: d.epochs,
    charts: CHARTS,
    sweeps: d.study.sweeps,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>${css}
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}
table{border-collapse:collapse;margin:12px 0}td,th{border-bottom:1px solid #dde;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}.ci{color:#667;font-size:12px}.warn{color:#a33}.verdict li{margin:4px 0}.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.note{color:#667}.examples{display:flex;gap:24px;flex-wrap:wrap}.examples figure{margin:0;max-width:340px}.examples img{display:block;border:1px solid #ccd}
figcaption{font-size:13px;margin-top:6px}</style></head><body>
<h1>${esc(d.title)}</h1>
<p class="note">Created ${esc(d.createdAt)} &middot; frozen data (manifest ${esc(d.manifestHash.slice(0, 12))}) &middot; optimizer ${esc(d.optimizer)} &middot; numbers on the test split, mean and 95% interval over seeds</p>
${d.study.intro}
<h2>Verdict</h2><ul class="verdict">${d.verdict.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>
<h2>Results on the test split</h2>${d.study.table}
${d.study.sweeps.length ? `<h2>Sweeps against log10 lambda</h2><p class="note">mean over seeds with the 95% interval</p>${d.study.sweeps.map((s) => `<p>${esc(s.bestSentence)}</p>`).join('')}<div class="charts" id="sweeps"></div>` : ''}
${d.saliency ?? ''}
<h2>Curves per epoch</h2><div class="charts" id="charts"></div>
<script>${js}</script>
<script>
const D = ${payload};
const palette = ['#4363d8','#e6194b','#3cb44b','#f58231','#911eb4','#42d4f4','#f032e6','#9a6324'];
const color = (arm) => palette[D.arms.indexOf(arm) % palette.length];
const SWEEP = [['testMAP50_95', 'test mAP50-95', 100], ['mPC', 'mPC', 100], ['gap', 'gap (val - train loss)', 1], ['weightNorm', 'weight norm', 1]];
for (const sw of D.sweeps) {
  const xs = sw.lambdas.map((l) => Math.log10(l));
  for (const [key, title, scale] of SWEEP) {
    const f = sw.figures[key];
    if (!f.some((v) => v.mean !== null)) continue;
    const v = (x) => (x === null ? null : x * scale);
    const el = document.createElement('div');
    document.getElementById('sweeps').appendChild(el);
    new uPlot({ title: sw.mode + ': ' + title, width: 560, height: 240, scales: { x: { time: false } },
      axes: [{ label: 'log10 lambda' }, {}],
      series: [{ label: 'log10 lambda' }, { label: 'mean', stroke: '#4363d8', width: 2, points: { show: true } },
        { label: '95% low', stroke: '#9fb0ee', dash: [4, 4] }, { label: '95% high', stroke: '#9fb0ee', dash: [4, 4] }] },
      [xs, f.map((x) => v(x.mean)), f.map((x) => v(x.ci[0])), f.map((x) => v(x.ci[1]))], el);
  }
}
for (const [key, title] of D.charts) {
  const maxEpoch = Math.max(0, ...Object.values(D.epochs).map((e) => e.length));
  const xs = Array.from({ length: maxEpoch }, (_, i) => i + 1);
  const series = [{ label: 'epoch' }];
  const data = [xs];
  for (const r of D.runs) {
    const ep = D.epochs[r.id] || [];
    data.push(xs.map((_, i) => { const e = ep[i]; if (!e) return null; return key === 'gap' ? e.valDataLoss - e.trainDataLoss : e[key]; }));
    series.push({ label: r.arm + ' s' + r.seed, stroke: color(r.arm), width: 1.5 });
  }
  const el = document.createElement('div');
  document.getElementById('charts').appendChild(el);
  new uPlot({ title, width: 560, height: 260, series, scales: { x: { time: false } } }, data, el);
}
</script></body></html>`;
}

/**
 * Write a comparison's report.html into its own folder under the project's runs/ (runs/compare-<time>/), so
 * `ridge compare` and the app write the same file; returns its path.
 */
export function writeComparisonReport(p: Project, c: Comparison, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const optimizers = [...new Set(c.runs.map((r) => optimizerLabel(r.config)))];
  return writeReportFile(
    p,
    `compare-${stamp}`,
    renderReport({
      title: `Regularization comparison: ${c.arms.map((a) => a.arm).join(' vs ')}`,
      createdAt: now.toISOString(),
      manifestHash: c.runs[0]?.manifestHash ?? '',
      optimizer: optimizers.join(', '),
      verdict: c.verdict,
      runs: c.runs,
      epochs: Object.fromEntries(c.epochs),
      study: {
        intro:
          `<p>An ad-hoc comparison of ${c.runs.length} selected runs, judged like a study: each arm against ` +
          `${esc(c.baseline ?? 'the baseline')} by the seed-paired difference with a bootstrap over the ` +
          `${c.testImages ?? '?'} test images (${c.resamples} resamples), Holm's correction across arms.</p>` +
          (c.apart.length
            ? `<p class="warn">Not pooled (other settings): ${c.apart.map((a) => `${esc(a.runId)} (${esc(a.differs.join(', '))})`).join('; ')}.</p>`
            : ''),
        table: studyTable(c),
        sweeps: sweepData(c),
      },
    }),
  );
}

/** Write report.html into runs/<folder>/ of the project; its path. */
function writeReportFile(p: Project, folder: string, html: string): string {
  const dir = path.join(p.dir, RUNS_DIR, folder);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'report.html');
  writeFileSync(file, html);
  return file;
}

/** Write a study's report.html into runs/<study-id>/ (the same file from `ridge compare`, `ridge study show` and the app). */
export async function writeStudyReport(
  p: Project,
  doc: Omit<StudyDocument, 'report'> & { epochs: Record<string, EpochMetrics[]>; runs: RunRecord[] },
  now = new Date(),
): Promise<string> {
  const optimizers = [...new Set(doc.runs.map((r) => optimizerLabel(r.config)))];
  return writeReportFile(
    p,
    doc.study.id,
    renderReport({
      title: `Regularization study: ${doc.study.name}`,
      createdAt: now.toISOString(),
      manifestHash: doc.manifestHash,
      optimizer: optimizers.join(', '),
      verdict: doc.verdicts.map((v) => v.sentence),
      runs: doc.runs.filter((r) => r.status === 'done'),
      epochs: doc.epochs,
      study: { intro: studyIntro(doc), table: studyTable(doc), sweeps: sweepData(doc) },
      saliency: await saliencySection(p, doc, doc.runs),
    }),
  );
}
