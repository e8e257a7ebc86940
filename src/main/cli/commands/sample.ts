import path from 'node:path';
import { UserError } from '../../../shared/errors';
import { Project } from '../../services/project/project';
import { MAX_SAMPLE_CLASSES } from '../../services/sample/classes';
import { SAMPLE_MODES, type SampleMode } from '../../services/sample/encode';
import { parseImbalance } from '../../services/sample/imbalance';
import { fillSampleProject, type SampleProjectOptions } from '../../services/sample/fill-project';
import {
  checkClassShares,
  MAX_OBJECT_SIZE,
  MAX_SAMPLE_BOXES,
  SAMPLE_SIDE_RANGE,
} from '../../services/sample/generator';
import { intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit } from '../io';
import { createProgress } from '../progress';
import { formatStats } from './stats';

/** The usage line of `ridge sample` (what `ridge sample --help` prints). */
export const SAMPLE_USAGE =
  'ridge sample <dir> [--images N (default 200)] [--seed S] [--classes 1..80 (default 6)] ' +
  '[--negatives SHARE (default 0.05)] [--unlabeled SHARE] [--modes jpeg|png|gray|gray-alpha|rgba|palette|png16|cmyk|exif|webp,...] ' +
  '[--sizes WxH,... (default 320x240)] [--object-sizes LO-HI,... (larger side / image side)] ' +
  '[--max-boxes N (default 6)] [--splits TRAIN,VAL,TEST (default 70,15,15)] ' +
  '[--imbalance 85,8,7 (class shares of the boxes, one per class)]';

const SAMPLE_OPTIONS = {
  images: { type: 'string' },
  seed: { type: 'string' },
  classes: { type: 'string' },
  negatives: { type: 'string' },
  unlabeled: { type: 'string' },
  modes: { type: 'string' },
  sizes: { type: 'string' },
  'object-sizes': { type: 'string' },
  'max-boxes': { type: 'string' },
  splits: { type: 'string' },
  imbalance: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

function bad(name: string, want: string, raw: unknown): UserError {
  return new UserError(`ridge sample: --${name} must be ${want}, got '${String(raw)}'`);
}

/** A comma-separated option's items, or undefined when the option is absent. */
function listOption(v: Values, name: string): string[] | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const items = String(raw)
    .split(',')
    .map((s) => s.trim());
  if (items.some((s) => s === '')) throw bad(name, 'a comma-separated list', raw);
  return items;
}

function shareOption(v: Values, name: string): number | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1) || String(raw).trim() === '') throw bad(name, 'a share from 0 to 1', raw);
  return n;
}

/** The generator options `ridge sample`'s flags ask for (defaults left to the generator). */
export function sampleOptionsFrom(v: Values): Omit<SampleProjectOptions, 'count' | 'seed'> {
  const o: Omit<SampleProjectOptions, 'count' | 'seed'> = {};
  if (v.classes !== undefined)
    o.classes = intOption('sample', 'classes', v.classes, 6, 1, MAX_SAMPLE_CLASSES);
  const negatives = shareOption(v, 'negatives');
  if (negatives !== undefined) o.negatives = negatives;
  const unlabeled = shareOption(v, 'unlabeled');
  if (unlabeled !== undefined) o.unlabeled = unlabeled;
  const modes = listOption(v, 'modes');
  if (modes) {
    const wrong = modes.find((m) => !SAMPLE_MODES.includes(m as SampleMode));
    if (wrong) throw bad('modes', `a list of ${SAMPLE_MODES.join(', ')}`, wrong);
    o.modes = modes as SampleMode[];
  }
  const sizes = listOption(v, 'sizes');
  if (sizes) {
    const [lo, hi] = SAMPLE_SIDE_RANGE;
    o.sizes = sizes.map((s) => {
      const m = /^(\d+)x(\d+)$/.exec(s);
      const width = Number(m?.[1]);
      const height = Number(m?.[2]);
      if (!m || width < lo || width > hi || height < lo || height > hi)
        throw bad('sizes', `WIDTHxHEIGHT items with sides ${lo}..${hi}`, s);
      return { width, height };
    });
  }
  const objectSizes = listOption(v, 'object-sizes');
  if (objectSizes) {
    o.objectSizes = objectSizes.map((s) => {
      const [lo, hi] = s.split('-').map(Number) as [number, number];
      if (!(lo > 0 && lo <= hi && hi <= MAX_OBJECT_SIZE) || s.split('-').length !== 2)
        throw bad('object-sizes', `LO-HI items with 0 < LO <= HI <= ${MAX_OBJECT_SIZE}`, s);
      return [lo, hi] as const;
    });
  }
  if (v['max-boxes'] !== undefined)
    o.maxBoxes = intOption('sample', 'max-boxes', v['max-boxes'], 6, 1, MAX_SAMPLE_BOXES);
  const splits = listOption(v, 'splits')?.map(Number);
  if (splits) {
    if (splits.length !== 3 || splits.some((n) => !(n >= 0)) || splits[0]! + splits[1]! + splits[2]! <= 0)
      throw bad('splits', 'three shares TRAIN,VAL,TEST (>= 0, not all 0)', v.splits);
    o.splits = splits as [number, number, number];
  }
  if (v.imbalance !== undefined) o.imbalance = imbalanceOption(v.imbalance, o.classes);
  return o;
}

/** `ridge sample <dir> [--images N] [--seed S] [...]`: create (or fill) a project with the built-in generator. */
export async function sampleCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('sample', argv, SAMPLE_OPTIONS);
  const dir = path.resolve(io.cwd, requirePositional('sample', positionals, 0, 'dir'));
  const count = intOption('sample', 'images', values.images, 200, 0, 100_000);
  const seed = intOption('sample', 'seed', values.seed, 0, 0, 2 ** 31 - 1);
  const options = sampleOptionsFrom(values);
  const p = Project.openOrInit(dir, 'sample');
  const bar = createProgress(io, 'sample', count);
  try {
    const r = await fillSampleProject(p, {
      ...options,
      count,
      seed,
      onProgress: (d, t) => bar.update(d, t),
    });
    bar.done(
      `${r.images} images, ${r.annotations} boxes${r.alreadyPresent ? ` (${r.alreadyPresent} already there)` : ''}` +
        (r.unlabeled ? `, ${r.unlabeled} stored unlabeled` : ''),
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

/** `--imbalance 85,8,7`: class shares of the boxes, one per class (with --classes, as many as it says). */
function imbalanceOption(raw: string | boolean, classes: number | undefined): number[] {
  try {
    const imbalance = parseImbalance(String(raw));
    checkClassShares({ imbalance, ...(classes !== undefined ? { classes } : {}) });
    return imbalance;
  } catch (err) {
    throw new UserError(`ridge sample: --${(err as Error).message}`);
  }
}
