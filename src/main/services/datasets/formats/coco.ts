import type { Split } from '../../../../shared/domain/types';
import { SPLITS } from '../../../../shared/domain/types';
import {
  checkDuplicate,
  dropNonFiniteBox,
  ImageLocator,
  type ImagesOption,
  mergeParsed,
  readTextOrReport,
} from './common';
import { isFiniteNumber, isRecord, jsonType, parseJson } from './json';
import { baseOf, dirOf, isAbsolutePath, joinRel, splitFromFileName, splitFromPath, stemOf } from './paths';
import { startParse } from './start';
import type {
  DatasetBox,
  DatasetImage,
  DatasetSource,
  ExportDataset,
  ExportPlan,
  ParsedDataset,
} from './types';

// COCO object detection JSON. Classes are the categories sorted by id. Image file_name is relative to the images
// folder: the one the caller names, else the first of these holding the file: the JSON's folder, its parent (when
// the JSON sits in annotations/), <parent>/images, <parent>/images/<split word>, <parent>/<split word> (the split
// word from the file name, e.g. val2017 for instances_val2017.json).
// Split: from a train/val/test folder in the image's path, else from the JSON file name, else none.

/** An images[] entry: the parsed image, or only the path to blame when the entry itself was bad. */
interface ImageEntry {
  image: DatasetImage | null;
  file?: string | undefined;
}

function defaultImageDirs(annotationFile: string): string[] {
  const dir = dirOf(annotationFile);
  const up = baseOf(dir).toLowerCase() === 'annotations' ? dirOf(dir) : dir;
  const word = /(?:^|[^a-z])((?:train|val|valid|test)[0-9]*)(?![a-z])/i.exec(stemOf(annotationFile))?.[1];
  const dirs = [dir, up, joinRel(up, 'images')];
  const split = splitFromFileName(annotationFile);
  for (const w of [word, split]) if (w) dirs.push(joinRel(up, 'images', w), joinRel(up, w));
  return [...new Set(dirs.filter((d): d is string => d !== null))];
}

/** Parse a COCO detection JSON. `imagesDir` is where file_name is relative to (see the file comment for defaults). */
export function parseCoco(
  source: DatasetSource,
  annotationFile: string,
  imagesDir?: ImagesOption,
): ParsedDataset {
  const { problems, out } = startParse();
  const file = annotationFile;
  const text = readTextOrReport(source, file, problems);
  if (text === null) return out;
  const data = parseJson(text, file, problems);
  if (data === undefined) return out;
  if (!isRecord(data)) {
    problems.error(file, `a COCO file is a JSON object, found ${jsonType(data)}`);
    return out;
  }

  // categories
  const catName = new Map<number, string>();
  if (!Array.isArray(data.categories)) {
    problems.error(file, `"categories" must be an array, found ${jsonType(data.categories)}`, {
      field: 'categories',
    });
  } else {
    const names = new Set<string>();
    data.categories.forEach((c: unknown, i) => {
      const field = `categories[${i}]`;
      if (!isRecord(c)) return problems.error(file, 'a category must be an object', { field });
      if (!Number.isInteger(c.id))
        return problems.error(file, 'category id must be an integer', { field: `${field}.id` });
      if (typeof c.name !== 'string' || c.name.trim() === '')
        return problems.error(file, 'category name must be a non-empty string', { field: `${field}.name` });
      const id = c.id as number;
      if (catName.has(id))
        return problems.error(file, `category id ${id} is used twice`, { field: `${field}.id` });
      if (names.has(c.name))
        return problems.error(file, `category "${c.name}" is listed twice`, { field: `${field}.name` });
      catName.set(id, c.name);
      names.add(c.name);
    });
  }
  out.classes = [...catName.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);

  // images
  const locator = new ImageLocator(source, imagesDir, problems);
  const fileSplit = splitFromFileName(file);
  const base = imagesDir === undefined ? dirOf(file) : typeof imagesDir === 'string' ? imagesDir : '';
  const candidateDirs = imagesDir === undefined ? defaultImageDirs(file) : [];
  const byId = new Map<string, ImageEntry>();
  const seen = new Set<string>();
  if (!Array.isArray(data.images)) {
    problems.error(file, `"images" must be an array, found ${jsonType(data.images)}`, { field: 'images' });
  } else if (data.images.length === 0) {
    problems.error(file, 'the dataset has 0 images', { field: 'images' });
  } else {
    data.images.forEach((im: unknown, i) => {
      const field = `images[${i}]`;
      if (!isRecord(im)) return problems.error(file, 'an image must be an object', { field });
      const idOk = typeof im.id === 'number' || typeof im.id === 'string';
      if (!idOk) return problems.error(file, 'image id must be a number or string', { field: `${field}.id` });
      const key = String(im.id);
      if (byId.has(key))
        return problems.error(file, `image id ${key} is used twice`, { field: `${field}.id` });
      const name = im.file_name;
      if (typeof name !== 'string' || name.trim() === '') {
        byId.set(key, { image: null, file: undefined });
        return problems.error(file, 'file_name must be a non-empty string', { field: `${field}.file_name` });
      }
      const stated = joinRel(base, name);
      if (isAbsolutePath(name) || stated === null) {
        byId.set(key, { image: null, file: name });
        return problems.error(file, `path escapes the dataset folder: ${name}`, {
          field: `${field}.file_name`,
          image: name.replace(/\\/g, '/'),
        });
      }
      const candidates = candidateDirs.map((d) => joinRel(d, name)).filter((p): p is string => p !== null);
      const found = locator.find(name, candidates);
      const shown = found ?? locator.describe(name, candidates[0] ?? stated);
      if (!found) {
        byId.set(key, { image: null, file: shown });
        return problems.error(file, `image file not found: ${shown}`, {
          field: `${field}.file_name`,
          image: shown,
        });
      }
      if (checkDuplicate(seen, found, file, problems, { field: `${field}.file_name` })) {
        byId.set(key, { image: null, file: found });
        return;
      }
      const image: DatasetImage = { file: found, units: 'pixels', boxes: [] };
      const split: Split | undefined = splitFromPath(found) ?? fileSplit;
      if (split) image.split = split;
      for (const side of ['width', 'height'] as const) {
        const v = im[side];
        if (v === undefined || v === null) continue;
        if (!isFiniteNumber(v) || v <= 0)
          problems.error(file, `${side} must be a positive number`, {
            field: `${field}.${side}`,
            image: found,
          });
        else image[side] = v;
      }
      if (image.width === undefined || image.height === undefined)
        problems.warn(file, 'no width/height stated; the size will be read from the image', {
          field,
          image: found,
        });
      byId.set(key, { image });
      out.images.push(image);
    });
  }

  // annotations
  const anns = data.annotations;
  if (anns === undefined) {
    if (out.images.length > 0) problems.warn(file, 'no "annotations" array: every image has no boxes');
  } else if (!Array.isArray(anns)) {
    problems.error(file, `"annotations" must be an array, found ${jsonType(anns)}`, { field: 'annotations' });
  } else {
    anns.forEach((a: unknown, i) => {
      const field = `annotations[${i}]`;
      if (!isRecord(a)) return problems.error(file, 'an annotation must be an object', { field });
      const okId = typeof a.image_id === 'number' || typeof a.image_id === 'string';
      const entry = okId ? byId.get(String(a.image_id)) : undefined;
      if (!entry)
        return problems.error(file, `annotation refers to missing image_id ${String(a.image_id)}`, {
          field: `${field}.image_id`,
        });
      const img = entry.image;
      const at = (sub: string): { field: string; image?: string } => {
        const f = entry.image?.file ?? entry.file;
        return f === undefined ? { field: `${field}${sub}` } : { field: `${field}${sub}`, image: f };
      };
      const label = Number.isInteger(a.category_id) ? catName.get(a.category_id as number) : undefined;
      if (label === undefined)
        return problems.error(file, `unknown category_id ${String(a.category_id)}`, at('.category_id'));
      const bb: unknown = a.bbox;
      // A number that overflows (1e999), or Python's NaN, is a box-level problem: the box is dropped with a warning.
      if (!Array.isArray(bb) || bb.length !== 4 || !bb.every((v) => typeof v === 'number'))
        return problems.error(file, 'bbox must be [x, y, width, height] of numbers', at('.bbox'));
      const [x, y, w, h] = bb as [number, number, number, number];
      if (a.iscrowd === 1 || a.iscrowd === true)
        return problems.warn(file, 'crowd region (iscrowd) skipped', at('.iscrowd'));
      if (!img) return; // its image is already reported
      const bad = bb.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        return dropNonFiniteBox(problems, file, `bbox[${bad}]`, String(bb[bad]), at(`.bbox[${bad}]`));
      const box: DatasetBox = { label, x, y, w, h, origin: `${file}#${field}` };
      const attrs = isRecord(a.attributes) ? a.attributes : {};
      if (typeof attrs.difficult === 'boolean') box.difficult = attrs.difficult;
      if (typeof attrs.truncated === 'boolean') box.truncated = attrs.truncated;
      img.boxes.push(box);
    });
  }
  return out;
}

/** Where writeCoco puts one split's JSON; parseCocoFolder and the default image folders read this layout back. */
export function cocoAnnotationPath(split: Split): string {
  return `annotations/instances_${split}.json`;
}

/**
 * Write COCO: one annotations/instances_{split}.json per non-empty split, each with every category (ids 1..n in
 * class order) and file_name relative to images/{split}/, where the images are copied. difficult/truncated ride in
 * each annotation's `attributes`, as CVAT does with its own flags.
 */
export function writeCoco(ds: ExportDataset): ExportPlan {
  const plan: ExportPlan = { texts: [], copies: [] };
  const catId = new Map(ds.classes.map((c, i) => [c, i + 1]));
  const categories = ds.classes.map((name, i) => ({ id: i + 1, name, supercategory: '' }));
  let annId = 1;
  for (const split of SPLITS) {
    const imgs = ds.images.filter((im) => im.split === split);
    if (imgs.length === 0) continue;
    const annotations: unknown[] = [];
    for (const im of imgs) {
      plan.copies.push({ from: im.sourcePath, to: `images/${split}/${im.fileName}` });
      for (const b of im.boxes) {
        const id = catId.get(b.label);
        if (id === undefined) throw new Error(`writeCoco: label "${b.label}" is not in the class list`);
        annotations.push({
          id: annId++,
          image_id: im.id,
          category_id: id,
          bbox: [b.x, b.y, b.w, b.h],
          area: b.w * b.h,
          iscrowd: 0,
          segmentation: [],
          attributes: { difficult: b.difficult, truncated: b.truncated },
        });
      }
    }
    const images = imgs.map((im) => ({
      id: im.id,
      file_name: im.fileName,
      width: im.width,
      height: im.height,
    }));
    const doc = {
      info: { description: 'Exported by Ridge Studio' },
      licenses: [],
      categories,
      images,
      annotations,
    };
    plan.texts.push({ path: cocoAnnotationPath(split), content: `${JSON.stringify(doc)}\n` });
  }
  return plan;
}

/**
 * Parse every COCO file of a dataset folder: annotations/instances*.json (else annotations/*.json, else *.json in
 * `dir`), merged; this reads writeCoco's layout back with its splits.
 */
export function parseCocoFolder(source: DatasetSource, dir = '', imagesDir?: ImagesOption): ParsedDataset {
  const annDir = joinRel(dir, 'annotations') ?? 'annotations';
  const inAnn = source.list(annDir).filter((f) => f.toLowerCase().endsWith('.json'));
  const folder = inAnn.length > 0 ? annDir : (joinRel(dir) ?? '');
  const all = inAnn.length > 0 ? inAnn : source.list(folder).filter((f) => f.toLowerCase().endsWith('.json'));
  const instances = all.filter((f) => f.toLowerCase().startsWith('instances'));
  const files = (instances.length > 0 ? instances : all).map((f) => (folder === '' ? f : `${folder}/${f}`));
  if (files.length === 0) {
    return {
      classes: [],
      images: [],
      problems: [{ severity: 'error', file: folder || '.', message: 'no COCO JSON file found' }],
    };
  }
  return mergeParsed(
    files.map((f) => parseCoco(source, f, imagesDir)),
    folder || '.',
  );
}
