import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BACKEND_REQUESTS } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { type CliIo, emit, note } from '../io';
import { createProgress } from '../progress';

/** `ridge predict`'s line of `ridge help`. */
export const PREDICT_USAGE =
  'ridge predict <dir> --run <id> --images <folder> --out <coco-results.json> [--score S (default 0.05)] ' +
  `[--backend ${BACKEND_REQUESTS.join('|')}] [--no-tta]`;

/**
 * `ridge predict <dir> --run <id> --images <folder> --out <coco-results.json> [--score S] [--no-tta]`: runs.predict
 * (the engine in a trainer process, never in this one), written as COCO results, flip-averaged as the run was
 * evaluated unless --no-tta (half the time).
 */
export async function predictCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('predict', argv, {
    run: { type: 'string' },
    images: { type: 'string' },
    out: { type: 'string' },
    score: { type: 'string' },
    backend: { type: 'string' },
    'no-tta': { type: 'boolean' },
  });
  const dir = path.resolve(io.cwd, requirePositional('predict', positionals, 0, 'dir'));
  if (typeof values.out !== 'string') throw new UserError('ridge predict: --out <file.json> is required');
  const outFile = path.resolve(io.cwd, values.out);
  return withProject(dir, async (door) => {
    const bar = createProgress(io, 'predict');
    const score = values.score === undefined ? undefined : Number(values.score);
    const r = await door.call('runs.predict', {
      runId: values.run,
      images: typeof values.images === 'string' ? path.resolve(io.cwd, values.images) : values.images,
      ...(score !== undefined ? { scoreThreshold: Number.isNaN(score) ? values.score : score } : {}),
      backend: typeof values.backend === 'string' ? values.backend : 'auto',
      ...(values['no-tta'] ? { flipTta: false } : {}),
    } as never);
    bar.done(`${r.detections.length} detections on ${r.images} images`);
    writeFileSync(outFile, JSON.stringify(r.detections));
    note(io, 'category_id follows the project class order (as in its COCO export: ids 1..n)');
    emit(
      io,
      Boolean(values.json),
      { out: outFile, detections: r.detections.length, images: r.images },
      () => `wrote ${r.detections.length} detections to ${outFile}`,
    );
    return 0;
  });
}
