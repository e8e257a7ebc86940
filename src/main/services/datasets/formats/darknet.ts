import type { Split } from '../../../../shared/domain/types';
import { ImageLocator, Problems, readTextOrReport } from './common';
import { baseOf, dirOf, joinRel, pathSuffixes, splitFromPath, splitFromWord, withExt } from './paths';
import { walkFiles } from './source';
import { startFolderParse } from './start';
import type { DatasetImage, DatasetSource, ParsedDataset } from './types';
import type { YoloOptions } from './yolo';
import { parseYoloLabelText, yoloLabelPath } from './yolo-labels';

// YOLO in the darknet layout (as CVAT exports it): obj.data (`names = data/obj.names`, `train = data/train.txt`),
// obj.names, and train.txt / valid.txt / test.txt listing image paths; each image's label is <stem>.txt beside it
// (e.g. obj_train_data/). Stated paths often carry a stale prefix (data/...), so every suffix of a stated path is
// tried inside the dataset folder, then the images folder by file name. With no lists, the label files under
// obj_*_data/ (else labels/, else the folder) are walked and each image is found by stem.

const LIST_FILES: Record<string, Split> = {
  'train.txt': 'train',
  'valid.txt': 'val',
  'val.txt': 'val',
  'test.txt': 'test',
};
const DATA_KEYS: Record<string, Split> = { train: 'train', valid: 'val', val: 'val', test: 'test' };

function readClassNames(source: DatasetSource, file: string, problems: Problems): string[] {
  const text = readTextOrReport(source, file, problems);
  if (text === null) return [];
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: string[] = [];
  lines.forEach((name, i) => {
    // class ids are line numbers, so a blank or repeated line is an error, not something to skip
    if (name === '') problems.error(file, 'blank class name', { line: i + 1 });
    else if (out.includes(name)) problems.error(file, `class "${name}" listed twice`, { line: i + 1 });
    out.push(name);
  });
  return out;
}

/** Parse the darknet YOLO layout (obj.data / obj.names / train.txt). Boxes stay normalized. */
export function parseYoloDarknet(source: DatasetSource, options: YoloOptions = {}): ParsedDataset {
  const { problems, dir, out } = startFolderParse(options.dir);
  const at = (name: string): string => joinRel(dir, name) ?? name;
  const inDir = source.list(dir);
  const resolve = (stated: string): string | undefined =>
    pathSuffixes(stated)
      .map((s) => at(s))
      .find((p) => source.exists(p));

  // obj.data: key = value lines
  const dataName = inDir.includes('obj.data')
    ? 'obj.data'
    : inDir.find((f) => f.toLowerCase().endsWith('.data'));
  const dataFile = dataName === undefined ? undefined : at(dataName);
  const kv = new Map<string, { value: string; line: number }>();
  if (dataFile !== undefined) {
    (readTextOrReport(source, dataFile, problems) ?? '').split(/\r?\n/).forEach((raw, i) => {
      const t = raw.replace(/#.*/, '').trim();
      if (t === '') return;
      const eq = t.indexOf('=');
      if (eq < 0) return problems.warn(dataFile, `expected "key = value", found "${t}"`, { line: i + 1 });
      kv.set(t.slice(0, eq).trim().toLowerCase(), { value: t.slice(eq + 1).trim(), line: i + 1 });
    });
  }

  // class names
  const namesRef = kv.get('names');
  let namesFile = namesRef ? resolve(namesRef.value) : undefined;
  if (namesRef && !namesFile && dataFile)
    problems.warn(dataFile, `names file not found: ${namesRef.value}`, { line: namesRef.line });
  namesFile ??= ['obj.names', ...inDir.filter((f) => f.endsWith('.names')), 'classes.txt']
    .filter((f) => inDir.includes(f))
    .map(at)[0];
  if (!namesFile) {
    problems.error(dataFile ?? at('obj.names'), 'no class names file (obj.names) found');
    return out;
  }
  out.classes = readClassNames(source, namesFile, problems);
  const nc = kv.get('classes');
  if (nc && dataFile && Number(nc.value) !== out.classes.length)
    problems.warn(dataFile, `classes = ${nc.value} but ${namesFile} names ${out.classes.length}`, {
      line: nc.line,
    });

  const locator = new ImageLocator(source, options.images, problems);
  const seen = new Set<string>();
  const usedLabels = new Set<string>();
  const labelDirs = new Set<string>();
  const addImage = (
    file: string,
    split: Split | undefined,
    label: string | undefined,
    where: string,
  ): void => {
    if (seen.has(file))
      return problems.warn(where, `image ${file} is listed twice; kept the first`, { image: file });
    seen.add(file);
    const image: DatasetImage = { file, units: 'normalized', boxes: [] };
    if (split) image.split = split;
    if (label !== undefined) {
      usedLabels.add(label);
      labelDirs.add(dirOf(label));
      const t = readTextOrReport(source, label, problems);
      if (t !== null) image.boxes = parseYoloLabelText(t, label, file, out.classes, problems);
    }
    out.images.push(image);
  };

  // image lists
  const lists: { file: string; split: Split }[] = [];
  for (const [key, split] of Object.entries(DATA_KEYS)) {
    const ref = kv.get(key);
    if (!ref || !dataFile) continue;
    const file = resolve(ref.value);
    if (file) lists.push({ file, split });
    else problems.error(dataFile, `${key} list not found: ${ref.value}`, { line: ref.line });
  }
  if (!Object.keys(DATA_KEYS).some((k) => kv.has(k))) {
    for (const [name, split] of Object.entries(LIST_FILES))
      if (inDir.includes(name)) lists.push({ file: at(name), split });
  }
  for (const list of lists) {
    (readTextOrReport(source, list.file, problems) ?? '').split(/\r?\n/).forEach((raw, i) => {
      const stated = raw.trim();
      if (stated === '' || stated.startsWith('#')) return;
      const bases = [...new Set([dir, dirOf(list.file)])];
      const cands = bases
        .flatMap((b) => pathSuffixes(stated).map((s) => joinRel(b, s)))
        .filter((p) => p !== null);
      const found = locator.find(stated, cands);
      if (!found) {
        const shown = locator.describe(baseOf(stated), cands[0] ?? stated);
        return problems.error(list.file, `image not found: ${stated}`, { line: i + 1, image: shown });
      }
      const labelCands = locator.separate ? cands : [...cands, found];
      const label = labelCands
        .flatMap((c) => [withExt(c, '.txt'), yoloLabelPath(c)])
        .find((c) => source.exists(c));
      addImage(found, list.split, label, list.file);
    });
  }

  // no lists: walk the label files and find each image by stem
  if (lists.length === 0) {
    const objDirs = source.listDirs(dir).filter((d) => /^obj_\w+_data$/i.test(d));
    const roots = objDirs.length > 0 ? objDirs : source.listDirs(dir).includes('labels') ? ['labels'] : [''];
    for (const r of roots) {
      const word = /^obj_(\w+)_data$/i.exec(r)?.[1];
      for (const label of walkFiles(source, at(r)).filter((f) => f.toLowerCase().endsWith('.txt'))) {
        if (
          r === '' &&
          dirOf(label) === dir &&
          (LIST_FILES[baseOf(label)] || baseOf(label) === 'classes.txt')
        )
          continue;
        const stemPath = label.slice(0, -4);
        const swapped = `/${stemPath}`.replace(/^(.*)\/labels\//, '$1/images/').slice(1);
        const img = locator.find(baseOf(stemPath), [stemPath, swapped]);
        if (!img) {
          problems.warn(label, 'label file has no image');
          continue;
        }
        addImage(img, (word ? splitFromWord(word) : undefined) ?? splitFromPath(label), label, label);
      }
    }
  } else {
    for (const d of labelDirs) {
      for (const f of source.list(d).filter((n) => n.toLowerCase().endsWith('.txt'))) {
        const label = d === '' ? f : `${d}/${f}`;
        if (usedLabels.has(label) || lists.some((l) => l.file === label) || label === namesFile) continue;
        if (d === dir && (LIST_FILES[f] || f === 'classes.txt')) continue;
        problems.warn(label, 'label file has no image');
      }
    }
  }
  if (out.images.length === 0 && !problems.list.some((p) => p.severity === 'error'))
    problems.error(dataFile ?? namesFile, 'the dataset has 0 images');
  return out;
}
