import path from 'node:path';
import { DEFAULT_PRELABEL_SCORE, parseCocoMapping } from '../../../shared/domain/coco-classes';
import { UserError } from '../../../shared/errors';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { type CliIo, emit, note } from '../io';
import { createProgress } from '../progress';

/** `ridge prelabel`'s line of `ridge help`. */
export const PRELABEL_USAGE =
  'ridge prelabel <dir> (--run <id> | --coco [--map "coco=Class,..."]) ' +
  `[--score S (default ${DEFAULT_PRELABEL_SCORE.run} with --run, ${DEFAULT_PRELABEL_SCORE.coco} with --coco)] [--limit N] [--json]`;

/**
 * `ridge prelabel`: labeling.prelabel from the command line. A done run's model, or the COCO-pretrained detector
 * before any training (project classes matched to COCO names, or --map), predicts on the unlabeled images; the
 * boxes are stored as pending predictions to accept or reject in the studio, never as ground truth.
 */
export async function prelabelCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('prelabel', argv, {
    run: { type: 'string' },
    coco: { type: 'boolean' },
    map: { type: 'string' },
    score: { type: 'string' },
    limit: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('prelabel', positionals, 0, 'dir'));
  if (typeof values.map === 'string' && !values.coco)
    throw new UserError('ridge prelabel: --map maps COCO classes, so it needs --coco');
  const byDefault = values.coco ? DEFAULT_PRELABEL_SCORE.coco : DEFAULT_PRELABEL_SCORE.run;
  const score = values.score === undefined ? byDefault : Number(values.score);
  const limit =
    values.limit === undefined ? undefined : intOption('prelabel', 'limit', values.limit, 1, 1, 100_000);
  const args = {
    ...(typeof values.run === 'string' ? { runId: values.run } : {}),
    ...(values.coco
      ? { coco: typeof values.map === 'string' ? { map: parseCocoMapping(values.map) } : {} }
      : {}),
    // An unreadable --score reaches the API as it was typed, so its refusal names it.
    scoreThreshold: Number.isNaN(score) ? values.score : score,
    ...(limit !== undefined ? { limit } : {}),
  };
  return withProject(dir, async (door) => {
    const bar = createProgress(io, 'prelabel');
    const r = await door.call('labeling.prelabel', args as never);
    bar.done(`${r.boxes} pending boxes on ${r.images} images`);
    if (r.cocoMapping)
      note(
        io,
        `COCO classes used: ${Object.entries(r.cocoMapping)
          .map(([c, own]) => (c === own ? c : `${c} as ${own}`))
          .join(', ')}`,
      );
    if (r.missingClasses.length)
      note(io, `dropped classes no longer in the project: ${r.missingClasses.join(', ')}`);
    emit(
      io,
      Boolean(values.json),
      r,
      () =>
        `added ${r.boxes} pending boxes on ${r.images} unlabeled images` +
        (r.skippedImages ? ` (${r.skippedImages} skipped: they already had pending boxes)` : '') +
        '; review them in the studio (Annotate, filter "Predictions"): they are not ground truth until accepted',
    );
    return 0;
  });
}
