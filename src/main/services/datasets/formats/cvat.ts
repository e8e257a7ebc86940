import {
  checkDuplicate,
  dropNonFiniteBox,
  type FolderOptions,
  ImageLocator,
  orderClasses,
  parseCoordinate,
  parseNumber,
  readTextOrReport,
} from './common';
import { dirOf, isAbsolutePath, joinRel, splitFromPath, splitFromWord } from './paths';
import { startFolderParse } from './start';
import type { DatasetBox, DatasetImage, DatasetSource, ParsedDataset } from './types';
import { parseXml, xmlFlag, xmlList, xmlNode, xmlText } from './xml';

// CVAT "for images" XML 1.1: <annotations><meta><task|project><labels><label><name>, then <image name width height
// [subset]> with <box label xtl ytl xbr ybr occluded> children. Classes are the declared labels in order. Other
// shapes (polygon, points...) are skipped with a warning. `occluded` has no place in a DatasetBox and is dropped;
// a box's <attribute name="difficult|truncated"> children are kept. Images are found beside the XML, in images/
// next to it, or in the images folder. Split: the image's `subset` attribute, else a train/val/test folder.

/** Options for CVAT: a dataset folder, an explicit XML file (default annotations.xml), an images override. */
export interface CvatOptions extends FolderOptions {
  /** The annotation XML, relative to the source. */
  file?: string;
}

const SHAPES = ['box', 'polygon', 'polyline', 'points', 'ellipse', 'cuboid', 'mask', 'skeleton', 'tag'];

function declaredLabels(meta: Record<string, unknown> | null): string[] {
  for (const holder of ['task', 'project', 'job']) {
    const labels = xmlNode(xmlNode(meta?.[holder])?.labels);
    if (!labels) continue;
    return xmlList(labels.label)
      .map((l) => xmlText(xmlNode(l)?.name))
      .filter((n): n is string => !!n);
  }
  return [];
}

/** Parse a CVAT for images 1.1 XML file. */
export function parseCvat(source: DatasetSource, options: CvatOptions = {}): ParsedDataset {
  const { problems, dir, out } = startFolderParse(options.dir);
  const inDir = source.list(dir).filter((f) => f.toLowerCase().endsWith('.xml'));
  const name = inDir.includes('annotations.xml') ? 'annotations.xml' : inDir[0];
  const file = options.file ?? (name === undefined ? undefined : (joinRel(dir, name) ?? name));
  if (file === undefined) {
    problems.error(dir || '.', 'no CVAT annotations.xml found');
    return out;
  }
  const text = readTextOrReport(source, file, problems);
  const doc =
    text === null ? null : parseXml(text, file, problems, ['image', 'label', 'attribute', ...SHAPES]);
  if (!doc) return out;
  const root = xmlNode(doc.root.annotations);
  if (!root) {
    problems.error(file, 'no <annotations> root element');
    return out;
  }
  const version = xmlText(root.version);
  if (version !== undefined && version !== '1.1')
    problems.warn(file, `CVAT XML version ${version}; 1.1 expected`);
  const declared = declaredLabels(xmlNode(root.meta));
  const known = new Set(declared);
  const locator = new ImageLocator(source, options.images, problems);
  const seen = new Set<string>();
  const used = new Set<string>();
  const base = dirOf(file);

  xmlList(root.image).forEach((node, i) => {
    const el = xmlNode(node) ?? {};
    const line = doc.lineOf(node);
    const field = `image[${i}]`;
    const where = (f: string, image?: string): { field: string; line?: number; image?: string } => ({
      field: f,
      ...(line === undefined ? {} : { line }),
      ...(image === undefined ? {} : { image }),
    });
    const imgName = xmlText(el['@_name']);
    if (!imgName) return problems.error(file, '<image> has no name', where(`${field}@name`));
    const rel = joinRel(base, imgName);
    if (isAbsolutePath(imgName) || rel === null)
      return problems.error(
        file,
        `path escapes the dataset folder: ${imgName}`,
        where(`${field}@name`, imgName),
      );
    const cands = [rel, joinRel(base, 'images', imgName), joinRel(dir, 'images', imgName)].filter(
      (p): p is string => p !== null,
    );
    const found = locator.find(imgName, cands);
    if (!found) {
      const shown = locator.describe(imgName, rel);
      return problems.error(file, `image file not found: ${shown}`, where(`${field}@name`, shown));
    }
    if (checkDuplicate(seen, found, file, problems, where(`${field}@name`))) return;
    const image: DatasetImage = { file: found, units: 'pixels', boxes: [] };
    const subset = xmlText(el['@_subset']);
    const split = (subset ? splitFromWord(subset) : undefined) ?? splitFromPath(found);
    if (split) image.split = split;
    for (const side of ['width', 'height'] as const) {
      const t = xmlText(el[`@_${side}`]);
      if (t === undefined) continue;
      const n = parseNumber(t);
      if (n === null || n <= 0)
        problems.error(file, `${side} "${t}" is not a positive number`, where(`${field}@${side}`, found));
      else image[side] = n;
    }
    xmlList(el.box).forEach((b, j) => {
      const box = xmlNode(b) ?? {};
      const bl = doc.lineOf(b) ?? line;
      const f = `${field}.box[${j}]`;
      const at = (sub: string): { field: string; image: string; line?: number } =>
        bl === undefined ? { field: f + sub, image: found } : { field: f + sub, image: found, line: bl };
      const label = xmlText(box['@_label']);
      if (!label) return problems.error(file, 'box has no label', at('@label'));
      if (declared.length > 0 && !known.has(label))
        return problems.error(file, `unknown label "${label}" (not in <meta> labels)`, at('@label'));
      const v: number[] = [];
      for (const k of ['xtl', 'ytl', 'xbr', 'ybr']) {
        const t = xmlText(box[`@_${k}`]);
        const n = parseCoordinate(t);
        if (n === null) return problems.error(file, `${k} "${t ?? ''}" is not a number`, at(`@${k}`));
        if (!Number.isFinite(n)) return dropNonFiniteBox(problems, file, k, t ?? '', at(`@${k}`));
        v.push(n);
      }
      const [xtl, ytl, xbr, ybr] = v as [number, number, number, number];
      const parsed: DatasetBox = { label, x: xtl, y: ytl, w: xbr - xtl, h: ybr - ytl };
      parsed.origin = bl === undefined ? file : `${file}:${bl}`;
      for (const a of xmlList(box.attribute)) {
        const an = xmlNode(a);
        const key = xmlText(an?.['@_name'])?.toLowerCase();
        if (key === 'difficult' || key === 'truncated') parsed[key] = xmlFlag(an) === true;
      }
      used.add(label);
      image.boxes.push(parsed);
    });
    const others = SHAPES.filter((s) => s !== 'box' && xmlList(el[s]).length > 0);
    if (others.length > 0)
      problems.warn(file, `${others.join(', ')} skipped: only boxes are imported`, where(field, found));
    out.images.push(image);
  });
  if (out.images.length === 0 && !problems.list.some((p) => p.severity === 'error'))
    problems.error(file, 'the dataset has 0 images');
  out.classes = orderClasses(declared, used);
  return out;
}
