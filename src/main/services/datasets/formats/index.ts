import type { ExportFormat, ImportFormat } from '../../../../shared/domain/formats';
import type { ImagesOption } from './common';
import { parseCoco, parseCocoFolder, writeCoco } from './coco';
import { parseCreateml, writeCreateml } from './createml';
import { parseCvat } from './cvat';
import { parseImagesFolder } from './images-folder';
import { parseLabelme } from './labelme';
import { isImageFile, joinRel, normalizeRel, splitFromWord } from './paths';
import { walkFiles } from './source';
import type { DatasetSource, ExportDataset, ExportPlan, ParsedDataset } from './types';
import { parseVoc, writeVoc } from './voc';
import { parseYolo, writeYolo } from './yolo';

// The public surface of the formats module: every parser and writer, the sources, and the option types.
export { parseCoco, parseCocoFolder, writeCoco, cocoAnnotationPath } from './coco';
export { parseCreateml, writeCreateml, type CreatemlOptions } from './createml';
export { parseCvat, type CvatOptions } from './cvat';
export { parseYoloDarknet } from './darknet';
export { parseImagesFolder, type ImagesFolderOptions } from './images-folder';
export { parseLabelme } from './labelme';
export { fsSource, memorySource, walkFiles } from './source';
export { parseVoc, writeVoc } from './voc';
export { parseYolo, parseYoloUltralytics, writeYolo, type YoloOptions } from './yolo';
export { yoloLabelPath } from './yolo-labels';
export type { FolderOptions, ImagesOption } from './common';

/** One options bag for every format, so a CLI or IPC handler can dispatch on the format name alone. */
export interface ParseDatasetOptions {
  /** The dataset folder inside the source ('' by default). */
  dir?: string;
  /** One annotation file (COCO, Create ML, CVAT), relative to the source; otherwise the folder is searched. */
  file?: string;
  /** Where images are when not where the annotations say: a folder of the source or a separate source. */
  images?: ImagesOption;
}

/** Parse a dataset of a known format; the single entry point the importer uses. */
export function parseDataset(
  source: DatasetSource,
  format: ImportFormat,
  options: ParseDatasetOptions = {},
): ParsedDataset {
  const dir = options.dir ?? '';
  const folder = options.images === undefined ? { dir } : { dir, images: options.images };
  const withFile = options.file === undefined ? folder : { ...folder, file: options.file };
  switch (format) {
    case 'coco':
      return options.file !== undefined
        ? parseCoco(source, options.file, options.images)
        : parseCocoFolder(source, dir, options.images);
    case 'yolo':
      return parseYolo(source, folder);
    case 'voc':
      return parseVoc(source, folder);
    case 'createml':
      return parseCreateml(source, withFile);
    case 'labelme':
      return parseLabelme(source, folder);
    case 'cvat':
      return parseCvat(source, withFile);
    case 'images':
      return parseImagesFolder(source, { dir });
  }
}

function peekJson(source: DatasetSource, file: string): ImportFormat | null {
  let text: string;
  try {
    text = source.readText(file);
  } catch {
    return null;
  }
  const start = text.trimStart()[0];
  if (start === '[') return 'createml';
  if (start !== '{') return null;
  if (/"shapes"\s*:/.test(text) && /"imagePath"\s*:/.test(text)) return 'labelme';
  if (/"images"\s*:/.test(text) && /"categories"\s*:/.test(text)) return 'coco';
  return null;
}

/** Guess a folder's format from its layout (and a peek at one file), or null; used when the user names none. */
export function detectFormat(source: DatasetSource, dir = ''): ImportFormat | null {
  const d = normalizeRel(dir) ?? '';
  const at = (f: string): string => joinRel(d, f) ?? f;
  const files = source.list(d);
  const dirs = source.listDirs(d);
  const has = (re: RegExp): string | undefined => files.find((f) => re.test(f));
  if (has(/\.ya?ml$/i) || has(/^obj\.(data|names)$/i) || has(/\.names$/i)) return 'yolo';
  const ann = source.list(at('annotations')).filter((f) => /\.json$/i.test(f));
  if (ann.some((f) => /^instances/i.test(f))) return 'coco';
  if (source.list(at('Annotations')).some((f) => /\.xml$/i.test(f))) return 'voc';
  const xml = has(/\.xml$/i);
  if (xml) {
    let text = '';
    try {
      text = source.readText(at(xml));
    } catch {
      return null;
    }
    return /<annotations[\s>]/.test(text) ? 'cvat' : /<annotation[\s>]/.test(text) ? 'voc' : null;
  }
  const json = [
    ...files.filter((f) => /\.json$/i.test(f)).map(at),
    ...ann.map((f) => at(`annotations/${f}`)),
  ];
  for (const sub of dirs.filter((s) => splitFromWord(s)))
    json.push(
      ...source
        .list(at(sub))
        .filter((f) => /\.json$/i.test(f))
        .map((f) => at(`${sub}/${f}`)),
    );
  if (json[0] !== undefined) {
    const kind = peekJson(source, json[0]);
    if (kind) return kind;
  }
  if (dirs.includes('labels') || dirs.some((s) => /^obj_\w+_data$/i.test(s))) return 'yolo';
  return walkFiles(source, d).some(isImageFile) ? 'images' : null;
}

/** Write a dataset in an export format; the single entry point the exporter uses. */
export function writeDataset(format: ExportFormat, ds: ExportDataset): ExportPlan {
  switch (format) {
    case 'coco':
      return writeCoco(ds);
    case 'yolo':
      return writeYolo(ds);
    case 'voc':
      return writeVoc(ds);
    case 'createml':
      return writeCreateml(ds);
  }
}
