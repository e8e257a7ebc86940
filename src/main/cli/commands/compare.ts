import path from 'node:path';
import type { ArmSummaryView } from '../../../shared/api/runs-contract';
import type { InputOf } from '../../../shared/api/schemas';
import { parseArmList } from '../../../shared/domain/run-config';
import { optimizerLabel } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliDoor, withProject } from '../door';
import { followRuns, runLine } from '../follow-runs';
import { type CliIo, emit, note } from '../io';
import { runFlagOptions, runFlagUsage, settingsFromFlags } from '../run-flags';

/** Run-setting flags every arm of `ridge compare` shares. */
const COMPARE_FLAGS = ['epochs', 'img-size', 'batch-size', 'lr', 'width', 'backbone', 'backend', 'max-det'];

/** `ridge compare`'s line of `ridge help`. */
export const COMPARE_USAGE =
  'ridge compare <dir> --arms none,l2=5e-4,l2=1e-3,wd=5e-2,l1=1e-5,dropout=0.2 [--seeds N (default 3)] ' +
  runFlagUsage(COMPARE_FLAGS);

const pm = (s: ArmSummaryView['testMAP50'], scale = 100, d = 1) =>
  Number.isFinite(s.mean) ? `${(s.mean * scale).toFixed(d)} +- ${(s.sd * scale).toFixed(d)}` : 'n/a';

/** The comparison table `ridge compare` and `ridge demo` print. */
export function formatArms(arms: ArmSummaryView[]): string {
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
  arms: ArmSummaryView[];
  verdict: string[];
  report: string;
  runs: string[];
  failed: number;
  cancelled: boolean;
}

/** The table, verdict and report lines a comparison prints. */
export function formatComparison(res: CompareResult): string[] {
  return [
    formatArms(res.arms),
    '',
    'verdict (test split):',
    ...res.verdict.map((v) => `  ${v}`),
    '',
    `report: ${res.report}`,
  ];
}

/**
 * Every arm over seeds 0..N-1 on one frozen manifest (runs.startCompare: planned and checked by the services),
 * followed to the end; then the summary, verdict and report.html (runs.compare with report).
 */
export async function runComparison(
  door: CliDoor,
  io: CliIo,
  opts: { arms: string; seeds: number; base: Record<string, unknown> },
): Promise<CompareResult> {
  let armNames: string[] = [];
  const followed = await followRuns(
    door,
    io,
    async () => {
      const started = await door.call('runs.startCompare', {
        arms: parseArmList(opts.arms) as InputOf<'runs.startCompare'>['arms'],
        seeds: opts.seeds,
        base: opts.base,
      });
      armNames = started.arms;
      for (const line of started.notes) note(io, line);
      return started.runIds;
    },
    (r, i, all) => {
      if (i === 0) {
        const c = r.config;
        const optimizers = [...new Set(all.map((x) => optimizerLabel(x.config)))].join(', ');
        note(
          io,
          `compare: ${armNames.length} arms x ${opts.seeds} seeds = ${all.length} runs of ${c.epochs} epochs at ${c.imgSize} px (${optimizers})`,
        );
      }
      return `[${i + 1}/${all.length}] ${r.config.arm} seed ${r.config.seed}`;
    },
  );
  for (const r of followed.runs) note(io, runLine(r));
  const ids = followed.runs.map((r) => r.id);
  const c = await door.call('runs.compare', { runIds: ids, baseline: armNames[0], report: true });
  return {
    arms: c.arms,
    verdict: c.verdict,
    report: c.report!,
    runs: ids,
    failed: followed.runs.filter((r) => r.status === 'failed').length,
    cancelled: followed.interrupted,
  };
}

/** `ridge compare <dir> --arms none,l2=5e-4,... [--seeds N] [--epochs N] [--img-size P] [--backend B]`. */
export async function compareCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('compare', argv, {
    ...runFlagOptions(COMPARE_FLAGS),
    arms: { type: 'string' },
    seeds: { type: 'string' },
    seed: { type: 'string' },
  });
  if (values.seed !== undefined)
    throw new UserError('ridge compare: use --seeds N (seeds 0..N-1), not --seed');
  const dir = path.resolve(io.cwd, requirePositional('compare', positionals, 0, 'dir'));
  const seeds = intOption('compare', 'seeds', values.seeds, 3, 1, 100);
  return withProject(dir, async (door) => {
    const res = await runComparison(door, io, {
      arms: typeof values.arms === 'string' ? values.arms : 'none,l2',
      seeds,
      base: settingsFromFlags(values, COMPARE_FLAGS),
    });
    emit(io, Boolean(values.json), res, () => formatComparison(res).join('\n'));
    if (res.cancelled) return 130;
    return res.failed > 0 ? 2 : 0;
  });
}
