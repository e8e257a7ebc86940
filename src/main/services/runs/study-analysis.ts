// A study's figures and verdicts, the one document `ridge compare --json`, `ridge study show --json`, the API's
// studies.show and report.html are made of. The method is argued in shared/stats/study-stats.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StudyArmView, StudyDocument, StudyVerdictView } from '../../../shared/api/runs-contract';
import { comparabilityKey, groupComparable, keyDifferences } from '../../../shared/domain/comparability';
import type { EpochMetrics, RegMode, RunRecord } from '../../../shared/domain/runs';
import { mulberry32 } from '../../../shared/random';
import { bootstrapWeights, figure } from '../../../shared/stats/study-stats';
import {
  type ArmFigures,
  armLabel,
  judgeFamily,
  type StudyMetric,
  type Verdict,
} from '../../../shared/stats/verdicts';
import { cocoGroundTruth } from '../../trainer/ground-truth';
import type { CocoDetection } from '../../trainer/metrics';
import { prepareResample, resampledAP } from '../../trainer/metrics/coco-resample';
import { type Manifest, TEST_DETECTIONS_FILE } from '../../trainer/protocol';
import type { Project } from '../project/project';
import { runDir } from './runs';
import { studyState } from './study';

/** Bootstrap resamples of the test images (the floor is 1,000). */
export const STUDY_RESAMPLES = 1000;

/** A figure a run may carry beyond mAP: read from its test metrics, where the trainer stores them. */
function runFigure(r: RunRecord, ep: EpochMetrics[], key: string): number | undefined {
  switch (key) {
    case 'testMAP50':
      return r.testMetrics?.AP50;
    case 'testMAP50_95':
      return r.testMetrics?.AP;
    case 'gap': {
      const best = ep.find((e) => e.epoch === r.bestEpoch) ?? ep.at(-1);
      return best ? best.valDataLoss - best.trainDataLoss : undefined;
    }
    case 'weightNorm':
      return ep.at(-1)?.weightNorm;
    case 'mPC':
      return r.robustness?.mPC;
    case 'rPC':
      return r.robustness?.rPC ?? undefined;
    case 'saliencyInBox':
      return r.saliency?.saliencyInBox ?? undefined;
    default:
      return r.testMetrics?.[key];
  }
}

/** A bootstrap seed from a text (a study's id), so re-reading a study draws the same resamples. */
export function seedOf(hash: string): number {
  let h = 2166136261;
  for (let i = 0; i < hash.length; i++) h = Math.imul(h ^ hash.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Per done run, test mAP50-95 on each of the shared resamples (runs without stored detections are left out). */
function bootstrapRuns(
  p: Project,
  runs: RunRecord[],
  seed: number,
): { boot: Map<string, Float64Array>; images: number | null } {
  const boot = new Map<string, Float64Array>();
  const first = runs[0];
  if (!first) return { boot, images: null };
  const m = JSON.parse(readFileSync(path.join(runDir(p, first.id), 'manifest.json'), 'utf8')) as Manifest;
  const test = m.images.filter((i) => i.split === 'test');
  const gt = cocoGroundTruth(m.classes, test);
  // One draw for the whole study: the same resample for every arm and seed.
  const weights = bootstrapWeights(test.length, STUDY_RESAMPLES, mulberry32(seed));
  for (const r of runs) {
    const file = path.join(runDir(p, r.id), TEST_DETECTIONS_FILE);
    if (!existsSync(file)) continue;
    const table = prepareResample(gt, JSON.parse(readFileSync(file, 'utf8')) as CocoDetection[]);
    boot.set(
      r.id,
      Float64Array.from(weights, (w) => resampledAP(table, w).AP),
    );
  }
  return { boot, images: test.length };
}

/** An arm to judge: its name as stored and its numeric mode and strength. */
export interface ArmSpec {
  arm: string;
  reg: RegMode;
  lambda: number;
}

/** Per arm figures and verdicts of a set of runs: what a study and an ad-hoc comparison share. */
export interface JudgedRuns {
  arms: StudyArmView[];
  verdicts: Verdict[];
  comparable: boolean;
  apart: { runId: string; differs: string[] }[];
  testImages: number | null;
  resamples: number;
  /**
   * Why the seed-paired method cannot judge these runs (arms not paired by seed, different frozen data), in plain
   * words; then there are no verdicts. Null when they were judged.
   */
  unpaired: string | null;
}

/** The verdicts as the API and `--json` show them (studies.show and runs.compare alike): only the public fields. */
export function verdictViews(verdicts: readonly Verdict[]): StudyVerdictView[] {
  return verdicts.map(({ arm, baseline, metric, diff, ci, claim, sentence }) => ({
    arm,
    baseline,
    metric,
    diff,
    ci,
    claim,
    sentence,
  }));
}

/** Why pooled runs cannot be judged by the seed-paired method, or null when they can. */
function pairingProblem(
  done: RunRecord[],
  arms: ArmSpec[],
  mine: (a: ArmSpec) => RunRecord[],
): string | null {
  const hashes = new Set(done.map((r) => r.manifestHash));
  if (hashes.size > 1)
    return (
      `no verdict: these runs were trained on ${hashes.size} different frozen data sets (manifests), and the ` +
      'seed-paired comparison needs one; compare runs of one study, or start a study (Compare regularization)'
    );
  for (const a of arms) {
    const seeds = mine(a).map((r) => r.config.seed);
    const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
    if (twice !== undefined)
      return (
        `no verdict: ${armLabel(a.reg, a.lambda)} has more than one run of seed ${twice}, so its runs cannot be ` +
        'paired by seed with the baseline; select one run per seed and arm'
      );
  }
  return null;
}

/**
 * Judge runs by the one verdict rule (seed-paired differences with the shared image bootstrap, Holm across arms):
 * only the largest group of comparable runs is pooled, the others are named apart with what differs.
 */
export function judgeRuns(
  p: Project,
  runs: RunRecord[],
  specs: ArmSpec[],
  baseline: string,
  bootSeed: number,
): JudgedRuns {
  const epochs = new Map(runs.map((r) => [r.id, p.runs.epochs(r.id)]));
  const keys = new Set(runs.map(comparabilityKey));
  const groups = groupComparable(runs);
  // Runs are pooled only inside one comparability group: the largest; the others are named apart.
  groups.sort(
    (a, b) => b.arms.reduce((n, x) => n + x.runs.length, 0) - a.arms.reduce((n, x) => n + x.runs.length, 0),
  );
  const pooled = new Set(groups[0]?.arms.flatMap((a) => a.runs.map((r) => r.id)) ?? []);
  const apart = runs.filter((r) => !pooled.has(r.id));
  const ref = runs.find((r) => pooled.has(r.id));
  const done = runs.filter((r) => pooled.has(r.id) && r.status === 'done');
  const mineOf = (a: ArmSpec) =>
    done.filter((r) => r.config.reg === a.reg && (a.reg === 'none' || r.config.lambda === a.lambda));
  const unpaired = pairingProblem(done, specs, mineOf);
  const { boot, images } = unpaired ? { boot: new Map(), images: null } : bootstrapRuns(p, done, bootSeed);
  const arms: StudyArmView[] = specs.map((a) => {
    const mine = mineOf(a);
    const fig = (key: string) =>
      figure(
        mine
          .map((r) => runFigure(r, epochs.get(r.id) ?? [], key))
          .filter((v): v is number => v !== undefined && Number.isFinite(v)),
      );
    return {
      arm: a.arm,
      reg: a.reg,
      lambda: a.lambda,
      runs: mine.length,
      runIds: mine.map((r) => r.id),
      testMAP50: fig('testMAP50'),
      testMAP50_95: fig('testMAP50_95'),
      mPC: fig('mPC'),
      rPC: fig('rPC'),
      gap: fig('gap'),
      weightNorm: fig('weightNorm'),
      saliencyInBox: fig('saliencyInBox'),
    };
  });
  const figuresOf = (arm: StudyArmView, metric: StudyMetric): ArmFigures => {
    const mine = done.filter((r) => arm.runIds.includes(r.id));
    const perSeed = new Map<number, number>();
    const bs = new Map<number, Float64Array>();
    for (const r of mine) {
      const v = runFigure(r, epochs.get(r.id) ?? [], metric);
      if (v === undefined || !Number.isFinite(v)) continue;
      perSeed.set(r.config.seed, v);
      const b = boot.get(r.id);
      if (metric === 'testMAP50_95' && b) bs.set(r.config.seed, b);
    }
    return { arm: arm.arm, reg: arm.reg, lambda: arm.lambda, perSeed, ...(bs.size ? { boot: bs } : {}) };
  };
  const base = arms.find((a) => a.arm === baseline);
  const others = arms.filter((a) => a !== base);
  const verdicts: Verdict[] = [];
  if (base && !unpaired) {
    for (const metric of ['testMAP50_95', 'mPC', 'saliencyInBox'] as const) {
      // Secondary families only when the runs carry the figure (the robustness and saliency evaluations).
      if (metric !== 'testMAP50_95' && !done.some((r) => Number.isFinite(runFigure(r, [], metric) ?? NaN)))
        continue;
      verdicts.push(
        ...judgeFamily(
          metric,
          figuresOf(base, metric),
          others.map((a) => figuresOf(a, metric)),
          images,
        ),
      );
    }
  }
  return {
    arms,
    verdicts,
    comparable: keys.size <= 1,
    apart: apart.map((r) => ({ runId: r.id, differs: ref ? keyDifferences(ref, r) : [] })),
    testImages: images,
    resamples: boot.size > 0 ? STUDY_RESAMPLES : 0,
    unpaired,
  };
}

/** The study document: per arm figures over seeds, verdicts per metric family (Holm across arms). */
export function analyzeStudy(
  p: Project,
  studyId: string,
): Omit<StudyDocument, 'report'> & { epochs: Record<string, EpochMetrics[]>; runs: RunRecord[] } {
  const st = studyState(p, studyId);
  const epochs = Object.fromEntries(st.runs.map((r) => [r.id, p.runs.epochs(r.id)]));
  const j = judgeRuns(p, st.runs, st.study.arms, st.study.baseline, seedOf(st.study.id));
  return {
    study: {
      id: st.study.id,
      name: st.study.name,
      status: st.status,
      seeds: st.study.seeds,
      baseline: st.study.baseline,
      base: st.study.base,
      createdAt: st.study.createdAt,
      endedAt: st.endedAt,
      testImages: j.testImages,
      resamples: j.resamples,
    },
    manifestHash: st.study.manifestHash,
    comparable: j.comparable,
    apart: j.apart,
    arms: j.arms,
    verdicts: verdictViews(j.verdicts),
    epochs,
    runs: st.runs,
  };
}
