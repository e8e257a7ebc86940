import path from 'node:path';
import type { FigureView, StudyArmView, StudyDocument } from '../../../shared/api/runs-contract';
import type { InputOf } from '../../../shared/api/schemas';
import { parseArmList } from '../../../shared/domain/run-config';
import { optimizerLabel } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliDoor, withProject } from '../door';
import { followRuns, runLine } from '../follow-runs';
import { type CliIo, emit, note } from '../io';
import { runFlagOptions, runFlagUsage, settingsFromFlags, SHARED_RUN_FLAGS } from '../run-flags';

/** Run-setting flags every arm of `ridge compare` shares. */
const COMPARE_FLAGS = SHARED_RUN_FLAGS;

/** `ridge compare`'s line of `ridge help`. */
export const COMPARE_USAGE =
  'ridge compare <dir> --arms none,l2=5e-4,l2=1e-3,wd=5e-2,l1=1e-5,dropout=0.2 [--seeds N (default 3)] ' +
  runFlagUsage(COMPARE_FLAGS);

const pct = (v: number, scale: number, d: number) => (Number.isFinite(v) ? (v * scale).toFixed(d) : 'n/a');

/** "41.2 [38.0, 44.4]": a figure's mean and 95% interval over seeds. */
function withCi(f: FigureView, scale = 100, d = 1): string {
  if (!Number.isFinite(f.mean)) return 'n/a';
  return Number.isFinite(f.ci[0])
    ? `${pct(f.mean, scale, d)} [${pct(f.ci[0], scale, d)}, ${pct(f.ci[1], scale, d)}]`
    : pct(f.mean, scale, d);
}

/** The study table `ridge compare`, `ridge study show` and `ridge demo` print: means with 95% intervals. */
export function formatArms(arms: StudyArmView[]): string {
  const head = `${'arm'.padEnd(14)} runs  ${'test mAP50 %'.padEnd(20)} ${'test mAP50-95 %'.padEnd(20)} ${'gap'.padEnd(24)} |w|`;
  return [
    head,
    ...arms.map(
      (a) =>
        `${a.arm.padEnd(14)} ${String(a.runs).padStart(4)}  ${withCi(a.testMAP50).padEnd(20)} ${withCi(a.testMAP50_95).padEnd(20)} ` +
        `${withCi(a.gap, 1, 3).padEnd(24)} ${withCi(a.weightNorm, 1, 1)}`,
    ),
  ].join('\n');
}

/** What a comparison produced: the study document, and how its runs ended. */
export interface CompareResult {
  doc: StudyDocument;
  failed: number;
  cancelled: boolean;
}

/** The study's table, verdict sentences and report lines, as people read them. */
export function formatStudy(doc: StudyDocument): string[] {
  return [
    `study ${doc.study.id} (${doc.study.status}): ${doc.study.name}`,
    ...(doc.comparable
      ? []
      : [
          `not comparable, kept apart: ${doc.apart.map((a) => `${a.runId} (${a.differs.join(', ')})`).join('; ')}`,
        ]),
    formatArms(doc.arms),
    '(mean over seeds [95% interval])',
    '',
    `verdict (test split, ${doc.study.testImages ?? '?'} images, ${doc.study.resamples} bootstrap resamples):`,
    ...doc.verdicts.map((v) => `  ${v.sentence}`),
    ...(doc.report ? ['', `report: ${doc.report}`] : []),
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
  let studyId = '';
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
      studyId = started.studyId;
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
  const doc = await door.call('studies.show', { studyId, report: true });
  return {
    doc,
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
    emit(io, Boolean(values.json), res.doc, () => formatStudy(res.doc).join('\n'));
    if (res.cancelled) return 130;
    return res.failed > 0 ? 2 : 0;
  });
}
