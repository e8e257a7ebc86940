import { Problems } from './common';
import { isImageFile, normalizeRel, splitFromPath } from './paths';
import { walkFiles } from './source';
import type { DatasetImage, DatasetSource, ParsedDataset } from './types';

/** Options for a plain images folder: which folder of the source to walk. */
export interface ImagesFolderOptions {
  /** The folder inside the source ('' by default). */
  dir?: string;
}

/**
 * Parse a plain folder of images (recursively): every image-extension file, no boxes, no classes. The split comes
 * from a train/val/test (or valid/validation/testing) folder below `dir`, e.g. train/cats/a.jpg -> train.
 */
export function parseImagesFolder(source: DatasetSource, options: ImagesFolderOptions = {}): ParsedDataset {
  const problems = new Problems();
  const dir = normalizeRel(options.dir ?? '') ?? '';
  const images: DatasetImage[] = [];
  for (const file of walkFiles(source, dir).filter(isImageFile)) {
    const image: DatasetImage = { file, units: 'pixels', boxes: [] };
    const split = splitFromPath(dir === '' ? file : file.slice(dir.length + 1));
    if (split) image.split = split;
    images.push(image);
  }
  if (images.length === 0) problems.error(dir || '.', 'no image files found');
  return { classes: [], images, problems: problems.list };
}
