import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type EpochMetrics, optimizerLabel, type RunRecord } from '../../../shared/domain/runs';
import { type Project, RUNS_DIR } from '../project/project';
import type { ArmSummary, Comparison } from './compare';

/** Everything a comparison report shows. */
export interface ReportData {
  title: string;
  createdAt: string;
  manifestHash: string;
  /** How the runs were optimized ("Adam", "AdamW (decoupled weight decay)", or both). */
  optimizer: string;
  arms: ArmSummary[];
  verdict: string[];
  runs: RunRecord[];
  epochs: Record<string, EpochMetrics[]>;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(s: { mean: number; sd: number; n: number }, scale = 1, digits = 3): string {
  if (!Number.isFinite(s.mean)) return 'n/a';
  return `${(s.mean * scale).toFixed(digits)} &plusmn; ${(s.sd * scale).toFixed(digits)}`;
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
  const rows = d.arms
    .map(
      (a) =>
        `<tr><td>${esc(a.arm)}</td><td>${a.runs}</td><td>${fmt(a.testMAP50, 100, 1)}</td><td>${fmt(a.testMAP50_95, 100, 1)}</td>` +
        `<td>${fmt(a.gap)}</td><td>${fmt(a.weightNorm, 1, 2)}</td><td>${fmt(a.seconds, 1, 0)}</td></tr>`,
    )
    .join('\n');
  const payload = JSON.stringify({
    arms: d.arms.map((a) => a.arm),
    runs: d.runs.map((r) => ({ id: r.id, arm: r.config.arm, seed: r.config.seed })),
    epochs: d.epochs,
    charts: CHARTS,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(d.title)}</title>
<style>${css}
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}
table{border-collapse:collapse;margin:12px 0}td,th{border-bottom:1px solid #dde;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}.verdict li{margin:4px 0}.charts{display:grid;grid-template-columns:1fr 1fr;gap:18px}
.note{color:#667}</style></head><body>
<h1>${esc(d.title)}</h1>
<p class="note">Created ${esc(d.createdAt)} &middot; every run trained on the same frozen data (manifest ${esc(d.manifestHash.slice(0, 12))}) &middot; optimizer ${esc(d.optimizer)} &middot; numbers on the test split, mean &plusmn; sd over seeds</p>
<table><thead><tr><th>arm</th><th>runs</th><th>test mAP50 (%)</th><th>test mAP50-95 (%)</th><th>gap (val-train loss)</th><th>weight norm</th><th>seconds</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>Verdict</h2><ul class="verdict">${d.verdict.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>
<h2>Curves</h2><div class="charts" id="charts"></div>
<script>${js}</script>
<script>
const D = ${payload};
const palette = ['#4363d8','#e6194b','#3cb44b','#f58231','#911eb4','#42d4f4','#f032e6','#9a6324'];
const color = (arm) => palette[D.arms.indexOf(arm) % palette.length];
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
  const dir = path.join(p.dir, RUNS_DIR, `compare-${stamp}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'report.html');
  const optimizers = [...new Set(c.runs.map((r) => optimizerLabel(r.config)))];
  writeFileSync(
    file,
    renderReport({
      title: `Regularization comparison: ${c.arms.map((a) => a.arm).join(' vs ')}`,
      createdAt: now.toISOString(),
      manifestHash: c.runs[0]?.manifestHash ?? '',
      optimizer: optimizers.join(', '),
      arms: c.arms,
      verdict: c.verdict,
      runs: c.runs,
      epochs: Object.fromEntries(c.epochs),
    }),
  );
  return file;
}
