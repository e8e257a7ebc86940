import { isImageFile, splitFromPath } from './paths';
import { walkFiles } from './source';
import { startFolderParse } from './start';
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
  const { problems, dir, out } = startFolderParse(options.dir);
  for (const file of walkFiles(source, dir).filter(isImageFile)) {
    const image: DatasetImage = { file, units: 'pixels', boxes: [] };
    const split = splitFromPath(dir === '' ? file : file.slice(dir.length + 1));
    if (split) image.split = split;
    out.images.push(image);
  }
  if (out.images.length === 0) problems.error(dir || '.', 'no image files found');
  return out;
}
