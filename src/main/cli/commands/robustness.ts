import path from 'node:path';
import type { RunRobustnessView } from '../../../shared/api/runs-contract';
import { UserError } from '../../../shared/errors';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { type CliIo, emit, note } from '../io';

/** `ridge robustness`'s line of `ridge help`. */
export const ROBUSTNESS_USAGE = 'ridge robustness <dir> --run <id> [--json]';

const pct = (v: number) => (v * 100).toFixed(1).padStart(6);

/** The table `ridge robustness` prints: test mAP50-95 % per corruption (rows) and severity (columns), mPC, rPC. */
export function formatRobustness(r: RunRobustnessView): string {
  const severities = [...new Set(r.scores.map((s) => s.severity))].sort((a, b) => a - b);
  const corruptions = [...new Set(r.scores.map((s) => s.corruption))];
  const cell = (c: string, s: number) => r.scores.find((x) => x.corruption === c && x.severity === s);
  return [
    `run ${r.runId}: test mAP50-95 % under corruption (${r.images} test images, ${r.seconds.toFixed(0)} s)`,
    `${'corruption'.padEnd(16)}${severities.map((s) => `  sev ${s}`.padStart(8)).join('')}`,
    ...corruptions.map(
      (c) =>
        `${c.padEnd(16)}${severities.map((s) => `  ${cell(c, s) ? pct(cell(c, s)!.mAP50_95) : '     -'}`).join('')}`,
    ),
    '',
    `clean ${pct(r.clean).trim()}   mPC ${pct(r.mPC).trim()}   rPC ${r.rPC === null ? '-' : r.rPC.toFixed(3)}`,
  ].join('\n');
}

/**
 * `ridge robustness <dir> --run <id> [--json]`: a done run's test mAP50-95 under the five corruptions at
 * severities 1, 3 and 5 (runs.robustness, in a trainer process), stored with the run; prints the table.
 */
export async function robustnessCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('robustness', argv, { run: { type: 'string' } });
  const dir = path.resolve(io.cwd, requirePositional('robustness', positionals, 0, 'dir'));
  if (typeof values.run !== 'string' || values.run === '')
    throw new UserError(`ridge robustness: --run <id> is required (usage: ${ROBUSTNESS_USAGE})`);
  const runId = values.run;
  return withProject(dir, async (door) => {
    if (!values.json) note(io, `scoring run ${runId} under 5 corruptions x 3 severities...`);
    const r = await door.call('runs.robustness', { runId });
    emit(io, Boolean(values.json), r, () => formatRobustness(r));
    return 0;
  });
}
