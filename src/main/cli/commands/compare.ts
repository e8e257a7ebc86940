import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunRecord } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { Project, RUNS_DIR } from '../../services/project/project';
import { type ArmSummary, parseArms, summarizeArms, verdict } from '../../services/runs/compare';
import { freezeManifest } from '../../services/runs/manifest';
import { renderReport } from '../../services/runs/report';
import { createRun, executeRun } from '../../services/runs/runs';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit, note } from '../io';
import { cancelOnSignal, configFromOptions, runLine, runProgress, TRAIN_OPTIONS } from './train';

const pm = (s: ArmSummary['testMAP50'], scale = 100, d = 1) =>
  Number.isFinite(s.mean) ? `${(s.mean * scale).toFixed(d)} +- ${(s.sd * scale).toFixed(d)}` : 'n/a';

/** The comparison table `ridge compare` and `ridge demo` print. */
export function formatArms(arms: ArmSummary[]): string {
  const head = `${'arm'.padEnd(14)} runs  ${'test mAP50 %'.padEnd(14)} ${'mAP50-95 %'.padEnd(14)} ${'gap'.padEnd(16)} ${'|w|'.padEnd(16)} seconds`;
  return [
    head,
    ...arms.map(
      (a) =>
        `${a.arm.padEnd(14)} ${String(a.runs).padStart(4)}  ${pm(a.testMAP50).padEnd(14)} ${pm(a.testMAP50_95).padEnd(14)} ` +
        `${pm(a.gap, 1, 3).padEnd(16)} ${pm(a.weightNorm, 1, 2).padEnd(16)} ${pm(a.seconds, 1, 0)}`,
    ),
  ].join('\n');
}

/** What a comparison produced. */
export interface CompareResult {
  arms: ArmSummary[];
  verdict: string[];
  report: string;
  runs: string[];
  failed: number;
  cancelled: boolean;
}

/** Run every arm over seeds 0..N-1 on one frozen manifest, then summarize, judge and write report.html. */
export async function runComparison(
  p: Project,
  io: CliIo,
  opts: { arms: string; seeds: number; values: Record<string, string | boolean | undefined> },
): Promise<CompareResult> {
  const arms = parseArms(opts.arms);
  const base = configFromOptions('compare', opts.values);
  const manifest = freezeManifest(p);
  const planned: RunRecord[] = [];
  for (let seed = 0; seed < opts.seeds; seed++) {
    for (const a of arms)
      planned.push(createRun(p, { ...base, seed, reg: a.reg, lambda: a.lambda, arm: a.name }, manifest));
  }
  note(
    io,
    `compare: ${arms.length} arms x ${opts.seeds} seeds = ${planned.length} runs of ${base.epochs} epochs at ${base.imgSize} px (Adam)`,
  );
  const sig = cancelOnSignal(io);
  let failed = 0;
  try {
    for (const [i, r] of planned.entries()) {
      if (sig.interrupted()) break;
      const label = `[${i + 1}/${planned.length}] ${r.config.arm} seed ${r.config.seed}`;
      const end = await executeRun(p, r.id, {
        signal: sig.signal,
        onEvent: runProgress(io, label, r.config.epochs),
      });
      if (end.status === 'failed') failed++;
      note(io, runLine(end));
    }
  } finally {
    sig.dispose();
  }
  const runs = planned.map((r) => p.runs.byId(r.id)!);
  const epochs = new Map(runs.map((r) => [r.id, p.runs.epochs(r.id)]));
  const summaries = summarizeArms(
    runs,
    epochs,
    arms.map((a) => a.name),
  );
  const lines = verdict(summaries);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const reportDir = path.join(p.dir, RUNS_DIR, `compare-${stamp}`);
  mkdirSync(reportDir, { recursive: true });
  const report = path.join(reportDir, 'report.html');
  writeFileSync(
    report,
    renderReport({
      title: `Regularization comparison: ${arms.map((a) => a.name).join(' vs ')}`,
      createdAt: new Date().toISOString(),
      manifestHash: runs[0]!.manifestHash,
      arms: summaries,
      verdict: lines,
      runs,
      epochs: Object.fromEntries(epochs),
    }),
  );
  return {
    arms: summaries,
    verdict: lines,
    report,
    runs: runs.map((r) => r.id),
    failed,
    cancelled: sig.interrupted(),
  };
}

/** `ridge compare <dir> --arms none,l2=5e-4,... [--seeds N] [--epochs N] [--img-size P] [--backend B]`. */
export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    ...TRAIN_OPTIONS,
    arms: { type: 'string' },
    seeds: { type: 'string' },
  });
  if (values.seed !== undefined)
    throw new UserError('ridge compare: use --seeds N (seeds 0..N-1), not --seed');
  const dir = path.resolve(io.cwd, requirePositional('compare', positionals, 0, 'dir'));
  const seeds = intOption('compare', 'seeds', values.seeds, 3, 1, 100);
  const p = Project.open(dir);
  try {
    const res = await runComparison(p, io, {
      arms: typeof values.arms === 'string' ? values.arms : 'none,l2',
      seeds,
      values,
    });
    emit(io, Boolean(values.json), res, () =>
      [
        formatArms(res.arms),
        '',
        'verdict (test split):',
        ...res.verdict.map((v) => `  ${v}`),
        '',
        `report: ${res.report}`,
      ].join('\n'),
    );
    if (res.cancelled) return 130;
    return res.failed > 0 ? 2 : 0;
  } finally {
    p.close();
  }
}
