import { SPLITS } from '../../../../shared/domain/types';
import {
  checkDuplicate,
  dropNonFiniteBox,
  type FolderOptions,
  ImageLocator,
  orderClasses,
  readTextOrReport,
} from './common';
import { isFiniteNumber, isRecord, jsonType, parseJson } from './json';
import { dirOf, isAbsolutePath, joinRel, splitFromFileName, splitFromPath, splitFromWord } from './paths';
import { readStatedClasses, startFolderParse } from './start';
import type {
  DatasetBox,
  DatasetImage,
  DatasetSource,
  ExportDataset,
  ExportPlan,
  ParsedDataset,
} from './types';

// Apple Create ML object detection JSON: an array of {image, annotations: [{label, coordinates: {x, y, width,
// height}}]} where x, y is the box CENTER in pixels. No image sizes. `image` is relative to the JSON's folder.
// Files: the one named, else every *.json in the folder and in its train/val/valid/test subfolders (the layout
// writeCreateml produces). Split: from the JSON's folder, else the image path, else the JSON file name.
// Class order: classes.txt when present, then the remaining labels sorted.

/** Options for Create ML: a dataset folder, an explicit JSON file, an images folder override. */
export interface CreatemlOptions extends FolderOptions {
  /** One annotation file (relative to the source); otherwise the folder is searched. */
  file?: string;
}

function findFiles(source: DatasetSource, dir: string): string[] {
  const json = (d: string): string[] =>
    source
      .list(d)
      .filter((f) => f.toLowerCase().endsWith('.json'))
      .map((f) => (d === '' ? f : `${d}/${f}`));
  const subs = source.listDirs(dir).filter((d) => splitFromWord(d) !== undefined);
  return [...json(dir), ...subs.flatMap((s) => json(joinRel(dir, s) ?? s))];
}

/** Parse Create ML annotation JSON files. */
export function parseCreateml(source: DatasetSource, options: CreatemlOptions = {}): ParsedDataset {
  const { problems, dir, out } = startFolderParse(options.dir);
  const files = options.file !== undefined ? [options.file] : findFiles(source, dir);
  if (files.length === 0) {
    problems.error(dir || '.', 'no Create ML JSON file found');
    return out;
  }
  const stated = readStatedClasses(source, dir, ['classes.txt'], problems).classes;
  const locator = new ImageLocator(source, options.images, problems);
  const seen = new Set<string>();
  const used = new Set<string>();

  for (const file of files) {
    const text = readTextOrReport(source, file, problems);
    const data = text === null ? undefined : parseJson(text, file, problems);
    if (data === undefined) continue;
    if (!Array.isArray(data)) {
      problems.error(file, `a Create ML file is a JSON array, found ${jsonType(data)}`);
      continue;
    }
    const base = dirOf(file);
    data.forEach((item: unknown, i) => {
      const field = `[${i}]`;
      if (!isRecord(item)) return problems.error(file, 'an entry must be an object', { field });
      const name = item.image;
      if (typeof name !== 'string' || name.trim() === '')
        return problems.error(file, 'image must be a non-empty string', { field: `${field}.image` });
      const rel = joinRel(base, name);
      if (isAbsolutePath(name) || rel === null) {
        const image = name.replace(/\\/g, '/');
        return problems.error(file, `path escapes the dataset folder: ${name}`, {
          field: `${field}.image`,
          image,
        });
      }
      const cands = [rel, joinRel(base, 'images', name)].filter((p): p is string => p !== null);
      const found = locator.find(name, cands);
      if (!found) {
        const shown = locator.describe(name, rel);
        return problems.error(file, `image file not found: ${shown}`, {
          field: `${field}.image`,
          image: shown,
        });
      }
      if (checkDuplicate(seen, found, file, problems, { field: `${field}.image` })) return;
      const image: DatasetImage = { file: found, units: 'pixels', boxes: [] };
      const split = splitFromPath(file) ?? splitFromPath(found) ?? splitFromFileName(file);
      if (split) image.split = split;
      const anns = item.annotations;
      if (!Array.isArray(anns)) {
        problems.error(file, 'annotations must be an array', { field: `${field}.annotations`, image: found });
        return;
      }
      anns.forEach((a: unknown, j) => {
        const f = `${field}.annotations[${j}]`;
        if (!isRecord(a))
          return problems.error(file, 'an annotation must be an object', { field: f, image: found });
        if (typeof a.label !== 'string' || a.label.trim() === '')
          return problems.error(file, 'label must be a non-empty string', {
            field: `${f}.label`,
            image: found,
          });
        const c = a.coordinates;
        const keys = ['x', 'y', 'width', 'height'] as const;
        if (!isRecord(c) || !keys.every((k) => typeof c[k] === 'number'))
          return problems.error(file, 'coordinates must be {x, y, width, height} numbers', {
            field: `${f}.coordinates`,
            image: found,
          });
        const bad = keys.find((k) => !isFiniteNumber(c[k]));
        if (bad !== undefined)
          return dropNonFiniteBox(problems, file, bad, String(c[bad]), {
            field: `${f}.coordinates.${bad}`,
            image: found,
          });
        const [cx, cy, w, h] = keys.map((k) => c[k] as number) as [number, number, number, number];
        const box: DatasetBox = {
          label: a.label,
          x: cx - w / 2,
          y: cy - h / 2,
          w,
          h,
          origin: `${file}#${f}`,
        };
        used.add(a.label);
        image.boxes.push(box);
      });
      out.images.push(image);
    });
  }
  out.classes = orderClasses(stated, used);
  return out;
}

/**
 * Write Create ML: {split}/annotations.json for each non-empty split with the images copied beside it (so `image` is
 * the bare file name), plus classes.txt at the top (Create ML itself carries no class order).
 */
export function writeCreateml(ds: ExportDataset): ExportPlan {
  const plan: ExportPlan = { texts: [], copies: [] };
  const known = new Set(ds.classes);
  for (const split of SPLITS) {
    const imgs = ds.images.filter((im) => im.split === split);
    if (imgs.length === 0) continue;
    const doc = imgs.map((im) => {
      plan.copies.push({ from: im.sourcePath, to: `${split}/${im.fileName}` });
      return {
        image: im.fileName,
        annotations: im.boxes.map((b) => {
          if (!known.has(b.label))
            throw new Error(`writeCreateml: label "${b.label}" is not in the class list`);
          return {
            label: b.label,
            coordinates: { x: b.x + b.w / 2, y: b.y + b.h / 2, width: b.w, height: b.h },
          };
        }),
      };
    });
    plan.texts.push({ path: `${split}/annotations.json`, content: `${JSON.stringify(doc)}\n` });
  }
  plan.texts.push({ path: 'classes.txt', content: ds.classes.map((c) => `${c}\n`).join('') });
  return plan;
}
