import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { Project } from '../../services/project/project';
import { fillSampleProject } from '../../services/sample/fill-project';
import { parseCommandArgs } from '../args';
import { withProject } from '../door';
import { type CliIo, emit, note } from '../io';
import { createProgress } from '../progress';
import { formatComparison, runComparison } from './compare';
import { formatStats } from './stats';

/**
 * Settings of the demo: `--quick` fits in about 3 minutes on 2 cores after set-up; the full one shows more.
 * Both start from the pretrained MobileNetV2 backbone: from scratch, a few minutes of CPU training leaves a
 * detector too weak (mAP50 of a few percent) for a comparison to say anything. Batch 16 in the quick one:
 * at 128 px the pretrained trunk's per-step overhead dominates (13 img/s at batch 8, 18 at batch 16).
 */
export const DEMO_SETTINGS = {
  quick: { images: 160, epochs: 4, imgSize: 128, batchSize: 16, seeds: 2, backbone: 'mobilenetv2' },
  full: { images: 200, epochs: 20, imgSize: 224, batchSize: 8, seeds: 2, backbone: 'mobilenetv2' },
} as const;

/** `ridge demo [--out <dir>] [--quick]`: a sample project, then none vs L2 over seeds, the table, verdict and report. */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('demo', argv, {
    out: { type: 'string' },
    quick: { type: 'boolean' },
    backend: { type: 'string' },
  });
  const s = values.quick ? DEMO_SETTINGS.quick : DEMO_SETTINGS.full;
  const out = path.resolve(io.cwd, typeof values.out === 'string' ? values.out : 'ridge-demo');
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new UserError(`demo folder ${out} is not empty; choose another with --out`, out);
  const dir = path.join(out, 'project');
  // The sample generator fills the project directly (as `ridge sample` does); training goes through the API.
  const p = Project.init(dir, 'Ridge demo');
  try {
    const bar = createProgress(io, 'sample images', s.images);
    await fillSampleProject(p, { count: s.images, seed: 0, onProgress: (d, t) => bar.update(d, t) });
    bar.done();
    note(io, formatStats('Ridge demo', p.stats()));
  } finally {
    p.close();
  }
  return withProject(dir, async (door) => {
    const res = await runComparison(door, io, {
      arms: 'none,l2=1e-3',
      seeds: s.seeds,
      base: {
        epochs: s.epochs,
        imgSize: s.imgSize,
        batchSize: s.batchSize,
        backbone: s.backbone,
        ...(typeof values.backend === 'string' ? { backend: values.backend } : {}),
      },
    });
    const shown = path.relative(io.cwd, dir);
    emit(io, Boolean(values.json), { project: dir, ...res }, () =>
      [
        `project: ${dir}`,
        '',
        ...formatComparison(res),
        `next: npx ridge runs ${shown.startsWith('..') ? dir : shown || dir}`,
        `open it in the studio: npx ridge serve ${shown.startsWith('..') ? dir : shown || dir}`,
      ].join('\n'),
    );
    if (res.cancelled) return 130;
    return res.failed > 0 ? 2 : 0;
  });
}
