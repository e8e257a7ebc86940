import {
  checkDuplicate,
  dropNonFiniteBox,
  type FolderOptions,
  ImageLocator,
  orderClasses,
  readTextOrReport,
} from './common';
import { isFiniteNumber, isRecord, jsonType, parseJson } from './json';
import { dirOf, isAbsolutePath, joinRel, splitFromPath } from './paths';
import { walkFiles } from './source';
import { readStatedClasses, startFolderParse } from './start';
import type { DatasetImage, DatasetSource, ParsedDataset } from './types';

// LabelMe JSON: one .json per image (anywhere below the folder), with imagePath relative to the JSON's folder,
// imageWidth/imageHeight, and shapes. Only shape_type 'rectangle' (two corner points, any order) becomes a box;
// other shapes are skipped with a warning (a shape without shape_type is a polygon, as in LabelMe). The embedded
// imageData is ignored. Class order: labels.txt (LabelMe's --labels file; __ignore__ and _background_ dropped) or
// classes.txt when present, then the remaining labels sorted. A broken file reports `image` = the JSON's path.

const RESERVED = new Set(['__ignore__', '_background_']);

/** Parse a folder of LabelMe JSON files. */
export function parseLabelme(source: DatasetSource, options: FolderOptions = {}): ParsedDataset {
  const { problems, dir, out } = startFolderParse(options.dir);
  const files = walkFiles(source, dir).filter((f) => f.toLowerCase().endsWith('.json'));
  if (files.length === 0) {
    problems.error(dir || '.', 'no LabelMe JSON files found');
    return out;
  }
  const listed = readStatedClasses(source, dir, ['labels.txt', 'classes.txt'], problems).classes;
  const stated = listed.filter((c) => !RESERVED.has(c));
  const locator = new ImageLocator(source, options.images, problems);
  const seen = new Set<string>();
  const used = new Set<string>();

  for (const file of files) {
    const whole = { image: file };
    const text = readTextOrReport(source, file, problems);
    const data = text === null ? undefined : parseJson(text, file, problems);
    if (data === undefined) {
      problems.list[problems.list.length - 1]!.image = file; // make the broken file skippable
      continue;
    }
    if (!isRecord(data)) {
      problems.error(file, `a LabelMe file is a JSON object, found ${jsonType(data)}`, whole);
      continue;
    }
    const name = data.imagePath;
    if (typeof name !== 'string' || name.trim() === '') {
      problems.error(file, 'imagePath must be a non-empty string', { ...whole, field: 'imagePath' });
      continue;
    }
    const rel = joinRel(dirOf(file), name);
    if (isAbsolutePath(name) || rel === null) {
      problems.error(file, `path escapes the dataset folder: ${name}`, { ...whole, field: 'imagePath' });
      continue;
    }
    if (!Array.isArray(data.shapes)) {
      problems.error(file, `shapes must be an array, found ${jsonType(data.shapes)}`, {
        ...whole,
        field: 'shapes',
      });
      continue;
    }
    const found = locator.find(name, [rel]);
    if (!found) {
      const shown = locator.describe(name, rel);
      problems.error(file, `image file not found: ${shown}`, { field: 'imagePath', image: shown });
      continue;
    }
    if (checkDuplicate(seen, found, file, problems, { field: 'imagePath' })) continue;
    const image: DatasetImage = { file: found, units: 'pixels', boxes: [] };
    const split = splitFromPath(found) ?? splitFromPath(file);
    if (split) image.split = split;
    for (const [key, side] of [
      ['imageWidth', 'width'],
      ['imageHeight', 'height'],
    ] as const) {
      const v = data[key];
      if (v === undefined || v === null) continue;
      if (isFiniteNumber(v) && v > 0) image[side] = v;
      else problems.error(file, `${key} must be a positive number`, { field: key, image: found });
    }
    const skipped = new Map<string, number>();
    data.shapes.forEach((s: unknown, i) => {
      const field = `shapes[${i}]`;
      if (!isRecord(s)) return problems.error(file, 'a shape must be an object', { field, image: found });
      const type = typeof s.shape_type === 'string' ? s.shape_type : 'polygon';
      if (type !== 'rectangle') return void skipped.set(type, (skipped.get(type) ?? 0) + 1);
      if (typeof s.label !== 'string' || s.label.trim() === '')
        return problems.error(file, 'label must be a non-empty string', {
          field: `${field}.label`,
          image: found,
        });
      const pts = s.points;
      const ok =
        Array.isArray(pts) &&
        pts.length === 2 &&
        pts.every(
          (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number'),
        );
      if (!ok)
        return problems.error(file, 'a rectangle needs two [x, y] points', {
          field: `${field}.points`,
          image: found,
        });
      const flat = (pts as number[][]).flat();
      const bad = flat.findIndex((v) => !isFiniteNumber(v));
      if (bad >= 0) {
        const at = `${field}.points[${bad >> 1}][${bad & 1}]`;
        return dropNonFiniteBox(problems, file, at, String(flat[bad]), { field: at, image: found });
      }
      const [[x1, y1], [x2, y2]] = pts as [[number, number], [number, number]];
      const box = {
        label: s.label,
        x: Math.min(x1, x2),
        y: Math.min(y1, y2),
        w: Math.abs(x2 - x1),
        h: Math.abs(y2 - y1),
      };
      used.add(s.label);
      image.boxes.push({ ...box, origin: `${file}#${field}` });
    });
    for (const [type, n] of skipped)
      problems.warn(file, `${n} ${type} shape(s) skipped: only rectangles become boxes`, { image: found });
    out.images.push(image);
  }
  out.classes = orderClasses(stated, used);
  return out;
}
