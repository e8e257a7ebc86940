import path from 'node:path';
import { kernelSummary } from '../../../shared/domain/runs';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { type CliIo, emit } from '../io';

const f = (v: number | null, d = 3) => (v === null ? '-' : v.toFixed(d));

/**
 * `ridge runs <dir> [--json]`: every run, oldest first, with its settings and results (runs.rows; opening the
 * project first marks runs whose owner process died as interrupted).
 */
export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('runs', argv, {});
  const dir = path.resolve(io.cwd, requirePositional('runs', positionals, 0, 'dir'));
  return withProject(dir, async (door) => {
    const { rows } = await door.call('runs.rows', {});
    emit(io, Boolean(values.json), rows, () => {
      if (rows.length === 0) return "no runs yet: start one with 'ridge train' or 'ridge compare'";
      const head =
        'id                       status       arm           seed  best val mAP50  test mAP50  test mAP50-95     gap  |w|   backend';
      return [
        head,
        ...rows.map(
          (r) =>
            `${r.id.padEnd(24)} ${r.status.padEnd(12)} ${r.arm.padEnd(13)} ${String(r.seed).padStart(4)}  ` +
            `${f(r.mAP50).padStart(14)}  ${f(r.testMAP50).padStart(10)}  ${f(r.testMAP50_95).padStart(13)}  ` +
            `${f(r.gap).padStart(6)}  ${f(r.weightNorm, 1).padStart(5)}  ${r.backend ?? '-'}` +
            (kernelSummary(r.backendReasons) ? `\n    kernels: ${kernelSummary(r.backendReasons)}` : '') +
            (r.failReason ? `\n    ${r.failReason}` : ''),
        ),
      ].join('\n');
    });
    return 0;
  });
}
