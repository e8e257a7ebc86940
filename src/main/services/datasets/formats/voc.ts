import type { Split } from '../../../../shared/domain/types';
import { SPLITS } from '../../../../shared/domain/types';
import {
  checkDuplicate,
  dropNonFiniteBox,
  type FolderOptions,
  ImageLocator,
  orderClasses,
  parseCoordinate,
  parseNumber,
  Problems,
  readTextOrReport,
} from './common';
import { dirOf, isAbsolutePath, joinRel, normalizeRel, splitFromPath, stemOf } from './paths';
import { readStatedClasses, startFolderParse } from './start';
import type {
  DatasetBox,
  DatasetImage,
  DatasetSource,
  ExportDataset,
  ExportPlan,
  ParsedDataset,
} from './types';
import { escapeXml, parseXml, xmlFlag, xmlList, xmlNode, xmlText } from './xml';

// Pascal VOC XML: Annotations/*.xml (or *.xml directly in the folder), one per image. The image is <filename>,
// looked for in JPEGImages/, images/, beside the XML, in the dataset folder, in <folder>/, then the images folder.
// Box w = xmax - xmin, h = ymax - ymin. difficult and truncated are kept. Splits come from ImageSets/Main/{train,
// val,test}.txt (ids are XML file stems), else from a train/val/test folder in the image path. VOC has no class
// list: classes.txt (or labels.txt) gives the order when present, the remaining labels follow sorted.
// A malformed XML file reports `image` = the XML's own path, so --skip-bad can skip just that file.

function readSplits(source: DatasetSource, dir: string, problems: Problems): Map<string, Split> {
  const out = new Map<string, Split>();
  for (const split of SPLITS) {
    const file = joinRel(dir, `ImageSets/Main/${split}.txt`) ?? '';
    if (!source.exists(file)) continue;
    (readTextOrReport(source, file, problems) ?? '').split(/\r?\n/).forEach((raw, i) => {
      const id = raw.trim().split(/\s+/)[0];
      if (!id) return;
      const had = out.get(id);
      if (had === split) problems.warn(file, `${id} is listed twice; kept the first`, { line: i + 1 });
      else if (had) problems.warn(file, `${id} is already in ${had}; kept there`, { line: i + 1 });
      else out.set(id, split);
    });
  }
  return out;
}

/** Parse a Pascal VOC folder. */
export function parseVoc(source: DatasetSource, options: FolderOptions = {}): ParsedDataset {
  const { problems, dir, out } = startFolderParse(options.dir);
  const annDir =
    source.list(joinRel(dir, 'Annotations') ?? '').length > 0 ? (joinRel(dir, 'Annotations') ?? '') : dir;
  const files = source.list(annDir).filter((f) => f.toLowerCase().endsWith('.xml'));
  if (files.length === 0) {
    problems.error(annDir || '.', 'no VOC XML files found (Annotations/*.xml or *.xml)');
    return out;
  }
  const listed = readStatedClasses(source, dir, ['classes.txt', 'labels.txt'], problems);
  const stated = listed.classes;
  const splits = readSplits(source, dir, problems);
  const locator = new ImageLocator(source, options.images, problems);
  const seen = new Set<string>();
  const used = new Set<string>();

  for (const name of files) {
    const file = annDir === '' ? name : `${annDir}/${name}`;
    const whole = { image: file };
    const text = readTextOrReport(source, file, problems);
    if (text === null) continue;
    const doc = parseXml(text, file, problems, ['object']);
    if (!doc) {
      problems.list[problems.list.length - 1]!.image = file; // parseXml reported it: make it skippable
      continue;
    }
    const ann = xmlNode(doc.root.annotation);
    if (!ann) {
      problems.error(file, 'no <annotation> root element', whole);
      continue;
    }
    const filename = xmlText(ann.filename);
    if (!filename) {
      problems.error(file, '<filename> is missing or empty', { ...whole, field: 'annotation.filename' });
      continue;
    }
    if (isAbsolutePath(filename) || normalizeRel(filename) === null) {
      problems.error(file, `path escapes the dataset folder: ${filename}`, {
        ...whole,
        field: 'annotation.filename',
      });
      continue;
    }
    const folder = xmlText(ann.folder);
    const bases = [
      joinRel(dir, 'JPEGImages'),
      joinRel(dir, 'images'),
      dirOf(file),
      dir,
      folder && joinRel(dir, folder),
    ];
    const cands = [
      ...new Set(bases.map((b) => (b ? joinRel(b, filename) : b === '' ? filename : null))),
    ].filter((p): p is string => !!p);
    const found = locator.find(filename, cands);
    if (!found) {
      const shown = locator.describe(filename, cands[0] ?? filename);
      problems.error(file, `image file not found: ${shown}`, { field: 'annotation.filename', image: shown });
      continue;
    }
    if (checkDuplicate(seen, found, file, problems, { field: 'annotation.filename' })) continue;
    const image: DatasetImage = { file: found, units: 'pixels', boxes: [] };
    const split = splits.get(stemOf(name)) ?? splitFromPath(found);
    if (split) image.split = split;
    const size = xmlNode(ann.size);
    let bad = false;
    for (const side of ['width', 'height'] as const) {
      const t = xmlText(size?.[side]);
      const n = parseNumber(t);
      const field = `annotation.size.${side}`;
      if (t === undefined || n === 0) continue;
      if (n === null || n < 0) {
        problems.error(file, `${side} "${t}" is not a positive number`, {
          field,
          image: found,
          line: doc.lineOf(size),
        });
        bad = true;
      } else image[side] = n;
    }
    if (!bad && (image.width === undefined || image.height === undefined))
      problems.warn(file, 'no image size stated; it will be read from the image', { image: found });

    xmlList(ann.object).forEach((o, i) => {
      const field = `annotation.object[${i}]`;
      const line = doc.lineOf(o);
      const at = (sub: string): { field: string; image: string; line?: number } =>
        line === undefined
          ? { field: field + sub, image: found }
          : { field: field + sub, image: found, line };
      const obj = xmlNode(o);
      const label = xmlText(obj?.name);
      if (!obj || !label) return problems.error(file, 'object has no <name>', at('.name'));
      const bnd = xmlNode(obj.bndbox);
      if (!bnd) return problems.error(file, 'object has no <bndbox>', at('.bndbox'));
      const v: number[] = [];
      for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) {
        const t = xmlText(bnd[k]);
        const n = parseCoordinate(t);
        if (t === undefined) return problems.error(file, `<${k}> is missing`, at(`.bndbox.${k}`));
        if (n === null) return problems.error(file, `${k} "${t}" is not a number`, at(`.bndbox.${k}`));
        if (!Number.isFinite(n)) return dropNonFiniteBox(problems, file, k, t, at(`.bndbox.${k}`));
        v.push(n);
      }
      const [xmin, ymin, xmax, ymax] = v as [number, number, number, number];
      const box: DatasetBox = { label, x: xmin, y: ymin, w: xmax - xmin, h: ymax - ymin };
      box.origin = line === undefined ? file : `${file}:${line}`;
      for (const flag of ['difficult', 'truncated'] as const) {
        const f = xmlFlag(obj[flag]);
        if (f === null) problems.warn(file, `<${flag}> is not 0 or 1; taken as 0`, at(`.${flag}`));
        box[flag] = f === true;
      }
      used.add(label);
      image.boxes.push(box);
    });
    out.images.push(image);
  }
  out.classes = orderClasses(stated, used);
  if (listed.file) {
    for (const c of out.classes.slice(stated.length))
      problems.warn(listed.file, `label "${c}" is not in the class list`);
  }
  return out;
}

function fmt(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/**
 * Write Pascal VOC: Annotations/<stem>.xml, JPEGImages/<fileName>, ImageSets/Main/{split}.txt for each non-empty
 * split, and classes.txt (the class order, which VOC itself cannot carry). xmax = x + w, ymax = y + h.
 */
export function writeVoc(ds: ExportDataset): ExportPlan {
  const plan: ExportPlan = { texts: [], copies: [] };
  const stems = new Map<string, number>();
  for (const im of ds.images) stems.set(stemOf(im.fileName), (stems.get(stemOf(im.fileName)) ?? 0) + 1);
  const ids: Record<Split, string[]> = { train: [], val: [], test: [] };
  const known = new Set(ds.classes);
  for (const im of ds.images) {
    const stem = stemOf(im.fileName);
    const id = stems.get(stem) === 1 ? stem : im.fileName.replace(/[/\\]/g, '_');
    ids[im.split].push(id);
    plan.copies.push({ from: im.sourcePath, to: `JPEGImages/${im.fileName}` });
    const objects = im.boxes.map((b) => {
      if (!known.has(b.label)) throw new Error(`writeVoc: label "${b.label}" is not in the class list`);
      return [
        '\t<object>',
        `\t\t<name>${escapeXml(b.label)}</name>`,
        '\t\t<pose>Unspecified</pose>',
        `\t\t<truncated>${b.truncated ? 1 : 0}</truncated>`,
        `\t\t<difficult>${b.difficult ? 1 : 0}</difficult>`,
        '\t\t<bndbox>',
        `\t\t\t<xmin>${fmt(b.x)}</xmin>`,
        `\t\t\t<ymin>${fmt(b.y)}</ymin>`,
        `\t\t\t<xmax>${fmt(b.x + b.w)}</xmax>`,
        `\t\t\t<ymax>${fmt(b.y + b.h)}</ymax>`,
        '\t\t</bndbox>',
        '\t</object>',
      ].join('\n');
    });
    const xml = [
      '<annotation>',
      '\t<folder>JPEGImages</folder>',
      `\t<filename>${escapeXml(im.fileName)}</filename>`,
      `\t<size>\n\t\t<width>${im.width}</width>\n\t\t<height>${im.height}</height>\n\t\t<depth>3</depth>\n\t</size>`,
      '\t<segmented>0</segmented>',
      ...objects,
      '</annotation>',
    ].join('\n');
    plan.texts.push({ path: `Annotations/${id}.xml`, content: `${xml}\n` });
  }
  for (const split of SPLITS) {
    if (ids[split].length > 0)
      plan.texts.push({
        path: `ImageSets/Main/${split}.txt`,
        content: ids[split].map((i) => `${i}\n`).join(''),
      });
  }
  plan.texts.push({ path: 'classes.txt', content: ds.classes.map((c) => `${c}\n`).join('') });
  return plan;
}
