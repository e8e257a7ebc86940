import path from 'node:path';
import { optimizerLabel } from '../../../shared/domain/runs';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { followRuns, runLine } from '../follow-runs';
import { type CliIo, emit, note } from '../io';
import { runFlagOptions, runFlagUsage, settingsFromFlags } from '../run-flags';

/** Run-setting flags of `ridge train`. */
const TRAIN_FLAGS = [
  'reg',
  'lambda',
  'epochs',
  'seed',
  'img-size',
  'batch-size',
  'lr',
  'width',
  'backbone',
  'backend',
  'max-det',
];

/** `ridge train`'s line of `ridge help`. */
export const TRAIN_USAGE = `ridge train <dir> ${runFlagUsage(TRAIN_FLAGS)} [--resume RUN]`;

/**
 * `ridge train <dir> [settings] [--resume RUN]`: one run through the project's queue (runs.start, or runs.resume),
 * followed to its end. Exit 0 done, 1 refused, 2 failed, 130 cancelled by a signal.
 */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('train', argv, {
    ...runFlagOptions(TRAIN_FLAGS),
    resume: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('train', positionals, 0, 'dir'));
  const resume = typeof values.resume === 'string' ? values.resume : null;
  return withProject(dir, async (door) => {
    const res = await followRuns(
      door,
      io,
      async () => {
        if (resume) {
          await door.call('runs.resume', { runId: resume });
          return [resume];
        }
        const started = await door.call('runs.start', { configs: [settingsFromFlags(values, TRAIN_FLAGS)] });
        for (const line of started.notes) note(io, line);
        return started.runIds;
      },
      (r) => {
        const c = r.config;
        note(
          io,
          `run ${r.id}: ${c.arm}, ${c.epochs} epochs at ${c.imgSize} px, seed ${c.seed}, ${optimizerLabel(c)}`,
        );
        return r.id;
      },
    );
    const end = res.runs[0]!;
    emit(io, Boolean(values.json), end, () => runLine(end));
    if (end.status === 'cancelled' || res.interrupted) return 130;
    return end.status === 'done' ? 0 : 2;
  });
}
