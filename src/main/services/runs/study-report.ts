// The parts of report.html only a study has: its question, its plan, the table with 95% intervals, robustness and
// saliency when the runs carry them, and sweep curves against log lambda. report.ts puts them on the page.
import type { FigureView, StudyDocument } from '../../../shared/api/runs-contract';
import { type Sweep, sweepsOf } from '../../../shared/stats/sweep';
import { armLabel } from '../../../shared/stats/verdicts';

/** Text made safe inside HTML (report.ts and the study sections share it). */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function cell(f: FigureView, scale: number, digits: number): string {
  if (!Number.isFinite(f.mean)) return '<td>n/a</td>';
  const ci = Number.isFinite(f.ci[0])
    ? ` <span class="ci">[${(f.ci[0] * scale).toFixed(digits)}, ${(f.ci[1] * scale).toFixed(digits)}]</span>`
    : '';
  return `<td>${(f.mean * scale).toFixed(digits)}${ci}</td>`;
}

/** The study's question and plan, in words a colleague reads first. */
export function studyIntro(doc: Omit<StudyDocument, 'report'>): string {
  const base = doc.arms.find((a) => a.arm === doc.study.baseline);
  const others = doc.arms.filter((a) => a !== base).map((a) => armLabel(a.reg, a.lambda));
  const settings = Object.entries(doc.study.base)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
  return (
    `<h2>Question</h2><p>Does ${esc(others.join(', ') || 'any arm')} change test mAP50-95 against ` +
    `${esc(base ? armLabel(base.reg, base.lambda) : doc.study.baseline)} on this data?</p>` +
    `<h2>Plan</h2><p>${doc.arms.length} arms &times; ${doc.study.seeds} seeds, paired by seed (same initialisation and data order in every arm of a seed), ` +
    `one frozen manifest (${esc(doc.manifestHash.slice(0, 12))}), shared settings: ${esc(settings || 'defaults')}. ` +
    `Each arm is compared with the baseline by the seed-paired difference; the 95% interval combines seed variation with a bootstrap over the ` +
    `${doc.study.testImages ?? '?'} test images (${doc.study.resamples} resamples, the same for every run, re-scored from each run's stored detections); ` +
    `Holm's correction across arms. Status: ${esc(doc.study.status)}.</p>` +
    (doc.comparable
      ? ''
      : `<p class="warn">Not every run is comparable: ${doc.apart.map((a) => `${esc(a.runId)} (${esc(a.differs.join(', '))})`).join('; ')} kept apart.</p>`)
  );
}

/** The per-arm table with 95% intervals over seeds (mAP in percent). */
export function studyTable(doc: Pick<StudyDocument, 'arms'>): string {
  const robust = doc.arms.some((a) => Number.isFinite(a.mPC.mean));
  const saliency = doc.arms.some((a) => Number.isFinite(a.saliencyInBox.mean));
  const head =
    '<tr><th>arm</th><th>runs</th><th>test mAP50 (%)</th><th>test mAP50-95 (%)</th>' +
    (robust ? '<th>mPC (%)</th><th>rPC</th>' : '') +
    (saliency ? '<th>saliencyInBox</th>' : '') +
    '<th>gap</th><th>weight norm</th></tr>';
  const rows = doc.arms
    .map(
      (a) =>
        `<tr><td>${esc(armLabel(a.reg, a.lambda))}</td><td>${a.runs}</td>${cell(a.testMAP50, 100, 1)}${cell(a.testMAP50_95, 100, 1)}` +
        (robust ? cell(a.mPC, 100, 1) + cell(a.rPC, 1, 2) : '') +
        (saliency ? cell(a.saliencyInBox, 1, 2) : '') +
        `${cell(a.gap, 1, 3)}${cell(a.weightNorm, 1, 1)}</tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table><p class="note">mean over seeds, [95% t-interval]</p>`;
}

/** Sweep data when at least two arms share a mode at different strengths (shared/stats/sweep.ts, as the app). */
export function sweepData(doc: Pick<StudyDocument, 'arms'>): Sweep[] {
  return sweepsOf(doc.arms);
}
