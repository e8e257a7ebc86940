import { parseDocument } from 'yaml';
import type { Split } from '../../../../shared/domain/types';
import { SPLITS } from '../../../../shared/domain/types';
import { type FolderOptions, ImageLocator, Problems, readTextOrReport } from './common';
import { parseYoloDarknet } from './darknet';
import { isRecord } from './json';
import { dirOf, isAbsolutePath, isImageFile, joinRel, normalizeRel, pathSuffixes, withExt } from './paths';
import { walkFiles } from './source';
import { startParse } from './start';
import type { DatasetImage, DatasetSource, ExportDataset, ExportPlan, ParsedDataset } from './types';
import { formatYoloLine, parseYoloLabelText, yoloLabelPath } from './yolo-labels';

// YOLO in the Ultralytics layout: data.yaml names the classes and points train/val/test at image folders (or .txt
// lists of images); the label of images/<split>/a.jpg is labels/<split>/a.txt. Boxes stay normalized. An image
// without a label file has no boxes; a label file without an image is a warning.

/** Options for YOLO: the dataset folder and an images folder searched by file name when stated paths are stale. */
export type YoloOptions = FolderOptions;

/** Parse a YOLO dataset: the Ultralytics layout when a data.yaml is present, the darknet layout otherwise. */
export function parseYolo(source: DatasetSource, options: YoloOptions = {}): ParsedDataset {
  const dir = normalizeRel(options.dir ?? '') ?? '';
  const yamls = source.list(dir).filter((f) => /\.ya?ml$/i.test(f));
  const yaml =
    yamls.find((f) => /^data\.ya?ml$/i.test(f)) ?? yamls.find((f) => /^dataset\.ya?ml$/i.test(f)) ?? yamls[0];
  if (yaml !== undefined) return parseYoloUltralytics(source, joinRel(dir, yaml) ?? yaml, options);
  return parseYoloDarknet(source, options);
}

function dirExists(source: DatasetSource, d: string): boolean {
  return source.list(d).length > 0 || source.listDirs(d).length > 0;
}

function readNames(data: Record<string, unknown>, file: string, problems: Problems): string[] {
  const names = data.names;
  const out: string[] = [];
  const ok = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';
  if (Array.isArray(names)) {
    names.forEach((n: unknown, i) => {
      if (ok(n) && String(n).trim() !== '') out.push(String(n));
      else problems.error(file, 'a class name must be a non-empty string', { field: `names[${i}]` });
    });
  } else if (isRecord(names)) {
    const keys = Object.keys(names);
    for (let i = 0; i < keys.length; i++) {
      const n = names[String(i)];
      if (n === undefined) problems.error(file, `names has no entry for class ${i}`, { field: 'names' });
      else if (!ok(n)) problems.error(file, 'a class name must be a string', { field: `names.${i}` });
      else out.push(String(n));
    }
  } else {
    problems.error(file, 'data.yaml needs "names": a list or a {id: name} map', { field: 'names' });
  }
  if (typeof data.nc === 'number' && data.nc !== out.length)
    problems.warn(file, `nc is ${data.nc} but ${out.length} names are given`, { field: 'nc' });
  return out;
}

/** Parse the Ultralytics layout from its data.yaml (a path relative to the source root). */
export function parseYoloUltralytics(
  source: DatasetSource,
  yamlFile: string,
  options: YoloOptions = {},
): ParsedDataset {
  const { problems, out } = startParse();
  const text = readTextOrReport(source, yamlFile, problems);
  if (text === null) return out;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0].line;
    problems.error(yamlFile, `malformed YAML: ${e.message.split('\n')[0]}`, line ? { line } : {});
    return out;
  }
  const data: unknown = doc.toJS();
  if (!isRecord(data)) {
    problems.error(yamlFile, 'data.yaml must be a mapping with names and train/val/test');
    return out;
  }
  out.classes = readNames(data, yamlFile, problems);
  const yamlDir = dirOf(yamlFile);
  let root = yamlDir;
  if (typeof data.path === 'string' && data.path.trim() !== '' && !isAbsolutePath(data.path)) {
    const r = joinRel(yamlDir, data.path);
    if (r !== null && dirExists(source, r)) root = r;
  }
  const locator = new ImageLocator(source, options.images, problems);
  const labelDirs = new Set<string>();
  const usedLabels = new Set<string>();

  const seen = new Map<string, Split>();
  const addImage = (file: string, split: Split, label: string, where = yamlFile): void => {
    const had = seen.get(file);
    // coco128-style yamls point val at the train folder: keep the first split, say so once per image
    if (had === split)
      return problems.warn(where, `image ${file} is listed twice; kept the first`, { image: file });
    if (had)
      return problems.warn(yamlFile, `image ${file} is in ${had} and ${split}; kept in ${had}`, {
        image: file,
      });
    seen.set(file, split);
    const image: DatasetImage = { file, split, units: 'normalized', boxes: [] };
    if (source.exists(label)) {
      usedLabels.add(label);
      const t = readTextOrReport(source, label, problems);
      if (t !== null) image.boxes = parseYoloLabelText(t, label, file, out.classes, problems);
    }
    out.images.push(image);
  };
  const candidates = (entry: string): string[] =>
    [
      joinRel(root, entry),
      joinRel(yamlDir, entry),
      ...pathSuffixes(entry).map((s) => joinRel(root, s)),
    ].filter((p): p is string => p !== null);

  let any = false;
  for (const split of SPLITS) {
    const value = data[split];
    if (value === undefined || value === null) continue;
    any = true;
    const entries = Array.isArray(value) ? value : [value];
    for (const entry of entries) {
      if (typeof entry !== 'string') {
        problems.error(yamlFile, `${split} must be a folder or a list of folders`, { field: split });
        continue;
      }
      if (entry.toLowerCase().endsWith('.txt')) {
        const list = candidates(entry).find((c) => source.exists(c));
        if (!list) {
          problems.error(yamlFile, `${split} list not found: ${entry}`, { field: split });
          continue;
        }
        const listText = readTextOrReport(source, list, problems) ?? '';
        listText.split(/\r?\n/).forEach((raw, i) => {
          const stated = raw.trim();
          if (stated === '' || stated.startsWith('#')) return;
          const cands = [dirOf(list), root].flatMap((b) =>
            pathSuffixes(stated).map((s) => joinRel(b, s) ?? ''),
          );
          const found = locator.find(stated, cands.filter(Boolean));
          if (!found) {
            const shown = locator.describe(stated, cands[0] ?? stated);
            return problems.error(list, `image not found: ${stated}`, { line: i + 1, image: shown });
          }
          const label = locator.separate ? yoloLabelPath(cands[0] ?? found) : yoloLabelPath(found);
          labelDirs.add(dirOf(label));
          addImage(found, split, label, list);
        });
        continue;
      }
      const conventional = [
        `images/${split}`,
        `${split === 'val' ? 'valid' : split}/images`,
        `${split}/images`,
      ];
      const folder = [...candidates(entry), ...conventional.map((c) => joinRel(root, c) ?? c)].find((c) =>
        dirExists(source, c),
      );
      if (folder !== undefined) {
        labelDirs.add(dirOf(yoloLabelPath(`${folder}/x.jpg`)));
        for (const img of walkFiles(source, folder).filter(isImageFile))
          addImage(img, split, yoloLabelPath(img));
        continue;
      }
      const labelsDir = joinRel(root, `labels/${split}`) ?? '';
      if (locator.dir !== null && dirExists(source, labelsDir)) {
        // images kept elsewhere: walk the labels and find each image by its stem
        labelDirs.add(labelsDir);
        for (const label of walkFiles(source, labelsDir).filter((f) => f.endsWith('.txt'))) {
          const img = locator.findByStem(label.slice(label.lastIndexOf('/') + 1, -4));
          if (img) addImage(img, split, label);
        }
        continue;
      }
      problems.error(yamlFile, `${split} folder not found: ${entry}`, { field: split });
    }
  }
  if (!any) problems.error(yamlFile, 'data.yaml names no train, val or test images', { field: 'train' });
  for (const d of labelDirs) {
    for (const label of walkFiles(source, d).filter((f) => f.toLowerCase().endsWith('.txt'))) {
      if (!usedLabels.has(label)) problems.warn(label, 'label file has no image');
    }
  }
  return out;
}

/**
 * Write YOLO in the Ultralytics layout: images/{split}/<fileName>, labels/{split}/<stem>.txt (6-decimal normalized
 * cx cy w h, an empty file for an image without boxes) and data.yaml with `path: .`, the non-empty splits and the
 * names list in class order. Throws if two images of a split share a stem (their labels would collide).
 */
export function writeYolo(ds: ExportDataset): ExportPlan {
  const plan: ExportPlan = { texts: [], copies: [] };
  const index = new Map(ds.classes.map((c, i) => [c, i]));
  const yaml = ['# Exported by Ridge Studio', 'path: .'];
  for (const split of SPLITS) {
    const imgs = ds.images.filter((im) => im.split === split);
    if (imgs.length === 0) continue;
    yaml.push(`${split}: images/${split}`);
    const labels = new Set<string>();
    for (const im of imgs) {
      const label = `labels/${split}/${withExt(im.fileName, '.txt')}`;
      if (labels.has(label)) throw new Error(`writeYolo: two ${split} images would share the label ${label}`);
      labels.add(label);
      const lines = im.boxes.map((b) => {
        const k = index.get(b.label);
        if (k === undefined) throw new Error(`writeYolo: label "${b.label}" is not in the class list`);
        return formatYoloLine(k, b, im.width, im.height);
      });
      plan.copies.push({ from: im.sourcePath, to: `images/${split}/${im.fileName}` });
      plan.texts.push({ path: label, content: lines.map((l) => `${l}\n`).join('') });
    }
  }
  // names are JSON-quoted so YAML 1.1 readers (PyYAML) keep 'yes', 'no', '1' as strings
  yaml.push(`nc: ${ds.classes.length}`, ds.classes.length === 0 ? 'names: []' : 'names:');
  yaml.push(...ds.classes.map((c) => `  - ${JSON.stringify(c)}`));
  plan.texts.push({ path: 'data.yaml', content: `${yaml.join('\n')}\n` });
  return plan;
}
