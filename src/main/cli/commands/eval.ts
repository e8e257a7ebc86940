import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import {
  type CocoDetection,
  type CocoGroundTruth,
  evaluateCoco,
  MetricsInputError,
} from '../../trainer/metrics';
import { parseCommandArgs } from '../args';
import { type CliIo, emit } from '../io';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `cannot read ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      file,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON: ${(err as Error).message}`, file);
  }
}

function asGroundTruth(v: unknown, file: string): CocoGroundTruth {
  const o = v as Partial<CocoGroundTruth> | null;
  for (const key of ['images', 'categories', 'annotations'] as const) {
    if (!o || !Array.isArray(o[key]))
      throw new UserError(`${file} is not a COCO ground-truth file: '${key}' must be a list`, file);
  }
  return o as CocoGroundTruth;
}

function asDetections(v: unknown, file: string): CocoDetection[] {
  if (!Array.isArray(v))
    throw new UserError(`${file} is not a COCO results file: expected a list of detections`, file);
  return v as CocoDetection[];
}

/** `ridge eval --gt <coco-gt.json> --dets <coco-results.json> [--json]`: the 12 COCOeval numbers, as pycocotools. */
export function evalCommand(argv: string[], io: CliIo): number {
  const { values } = parseCommandArgs('eval', argv, { gt: { type: 'string' }, dets: { type: 'string' } });
  if (typeof values.gt !== 'string' || typeof values.dets !== 'string') {
    throw new UserError('ridge eval: --gt <coco-gt.json> and --dets <coco-results.json> are required');
  }
  const gtFile = path.resolve(io.cwd, values.gt);
  const detsFile = path.resolve(io.cwd, values.dets);
  const gt = asGroundTruth(readJson(gtFile, 'ground-truth'), gtFile);
  const dets = asDetections(readJson(detsFile, 'detections'), detsFile);
  let result;
  try {
    result = evaluateCoco(gt, dets);
  } catch (err) {
    if (err instanceof MetricsInputError)
      throw new UserError(`${err.message} (in ${detsFile} or ${gtFile})`, detsFile);
    throw err;
  }
  const perClass = Object.fromEntries(
    result.perClass.map((c) => [
      c.name,
      {
        AP: c.AP,
        AP50: c.AP50,
        AP75: c.AP75,
        AR100: c.AR100,
        numGt: c.numGt,
        numDetections: c.numDetections,
      },
    ]),
  );
  const out = { ...result.stats, perClass };
  emit(io, Boolean(values.json), out, () => {
    const s = result.stats;
    const f = (v: number) => (v < 0 ? '   n/a' : v.toFixed(4));
    return [
      `AP@[.50:.95] ${f(s.AP)}   AP50 ${f(s.AP50)}   AP75 ${f(s.AP75)}`,
      `AP small ${f(s.APsmall)}   medium ${f(s.APmedium)}   large ${f(s.APlarge)}`,
      `AR@1 ${f(s.AR1)}   AR@10 ${f(s.AR10)}   AR@100 ${f(s.AR100)}`,
      `AR small ${f(s.ARsmall)}   medium ${f(s.ARmedium)}   large ${f(s.ARlarge)}`,
      '',
      'per class (AP, AP50, boxes):',
      ...result.perClass.map((c) => `  ${c.name.padEnd(16)} ${f(c.AP)}  ${f(c.AP50)}  ${c.numGt}`),
    ].join('\n');
  });
  return 0;
}
