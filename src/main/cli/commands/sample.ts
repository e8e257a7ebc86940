import path from 'node:path';
import { Project } from '../../services/project/project';
import { fillSampleProject } from '../../services/sample/fill-project';
import { checkImbalance, parseImbalance } from '../../services/sample/imbalance';
import { SAMPLE_CLASSES } from '../../services/sample/shapes';
import { UserError } from '../../services/db/errors';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit } from '../io';
import { createProgress } from '../progress';
import { formatStats } from './stats';

/** `ridge sample <dir> [--images N] [--seed S] [--imbalance 85,8,7]`: create (or fill) a project with the built-in generator. */
export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('sample', argv, {
    images: { type: 'string' },
    seed: { type: 'string' },
    imbalance: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('sample', positionals, 0, 'dir'));
  const count = intOption('sample', 'images', values.images, 200, 0, 100_000);
  const seed = intOption('sample', 'seed', values.seed, 0, 0, 2 ** 31 - 1);
  const imbalance = imbalanceOption(values.imbalance);
  const p = Project.openOrInit(dir, 'sample');
  const bar = createProgress(io, 'sample', count);
  try {
    const r = await fillSampleProject(p, {
      count,
      seed,
      ...imbalance,
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.done(
      `${r.images} images, ${r.annotations} boxes${r.alreadyPresent ? ` (${r.alreadyPresent} already there)` : ''}`,
    );
    const stats = p.stats();
    emit(
      io,
      Boolean(values.json),
      { ...r, stats },
      () => `generated into ${dir}\n${formatStats(p.info().name, stats)}`,
    );
    return 0;
  } finally {
    p.close();
  }
}

/** `--imbalance 85,8,7`: class shares of the boxes (and the class count), as a user error when malformed. */
function imbalanceOption(raw: string | boolean | undefined): { imbalance?: number[] } {
  if (typeof raw !== 'string') return {};
  try {
    const shares = parseImbalance(raw);
    checkImbalance(shares, SAMPLE_CLASSES.length);
    return { imbalance: shares };
  } catch (err) {
    throw new UserError(`ridge sample: --${(err as Error).message}`);
  }
}
