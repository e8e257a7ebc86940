import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { fsSource, walkFiles } from '../../services/datasets/formats';
import { isImageFile } from '../../services/datasets/formats/paths';
import { hashFile } from '../../services/images/hash';
import { Project } from '../../services/project/project';
import { runDir } from '../../services/runs/runs';
import { enumOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit, note } from '../io';
import { createProgress } from '../progress';
import { BACKEND_REQUESTS } from '../../../shared/domain/runs';

/**
 * `ridge predict <dir> --run <id> --images <folder> --out <coco-results.json> [--score S] [--no-tta]`: detections in
 * the COCO results format, flip-averaged as the run was evaluated unless --no-tta (half the time). image_id is the
 * project's image id (as in its COCO export) when the file's content is in the project; other images get ids above
 * every project id. file_name is added so either can be matched.
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
  if (typeof values.run !== 'string' || typeof values.images !== 'string' || typeof values.out !== 'string') {
    throw new UserError('ridge predict: --run <id>, --images <folder> and --out <file.json> are required');
  }
  const score = values.score === undefined ? 0.05 : Number(values.score);
  if (!(score >= 0 && score <= 1)) throw new UserError('ridge predict: --score must be between 0 and 1');
  const backend = enumOption('predict', 'backend', values.backend, BACKEND_REQUESTS) ?? 'auto';
  const imagesDir = path.resolve(io.cwd, values.images);
  const files = walkFiles(fsSource(imagesDir), '').filter(isImageFile);
  if (files.length === 0) throw new UserError(`no images in ${imagesDir}`, imagesDir);
  const p = Project.open(dir);
  try {
    const run = p.runs.byId(values.run);
    if (!run) throw new UserError(`no run ${values.run} in ${dir}`);
    if (run.status !== 'done')
      throw new UserError(`run ${run.id} is ${run.status}; only a finished run has a model`);
    let nextId = Math.max(0, ...p.images.all().map((i) => i.id)) + 1;
    const images: { id: number; file: string; fileName: string }[] = [];
    for (const f of files) {
      const abs = path.join(imagesDir, f);
      const known = p.images.bySha(await hashFile(abs))[0];
      images.push({ id: known?.id ?? nextId++, file: abs, fileName: f });
    }
    const bar = createProgress(io, 'predict', images.length);
    const { predictImages } = await import('../../trainer/engine');
    const modelDir = path.join(runDir(p, run.id), 'model');
    const classes = p.classes.list();
    const dets = await predictImages(modelDir, images, {
      scoreThreshold: score,
      backend,
      ...(values['no-tta'] ? { flipTta: false } : {}),
    });
    bar.done(`${dets.length} detections on ${images.length} images`);
    const byId = new Map(images.map((i) => [i.id, i.fileName]));
    const out = dets.map((d) => ({
      image_id: d.imageId,
      category_id: d.classIndex + 1,
      bbox: [d.x, d.y, d.w, d.h],
      score: d.score,
      file_name: byId.get(d.imageId),
      category_name: classes[d.classIndex]?.name,
    }));
    const outFile = path.resolve(io.cwd, values.out);
    writeFileSync(outFile, JSON.stringify(out));
    note(io, 'category_id follows the project class order (as in its COCO export: ids 1..n)');
    emit(
      io,
      Boolean(values.json),
      { out: outFile, detections: out.length, images: images.length },
      () => `wrote ${out.length} detections to ${outFile}`,
    );
    return 0;
  } finally {
    p.close();
  }
}
