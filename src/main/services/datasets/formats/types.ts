import type { Box, Split } from '../../../../shared/domain/types';

/** A problem found in input; errors abort an import (or skip the image with --skip-bad), warnings do not. */
export interface Problem {
  severity: 'error' | 'warning';
  /** The file the problem is in, relative to the dataset root when possible. */
  file: string;
  line?: number;
  /** A JSON path or XML element, e.g. `annotations[12].bbox`. */
  field?: string;
  /** The image the problem belongs to (dataset-relative); --skip-bad drops this image. Absent: the whole file. */
  image?: string;
  message: string;
}

/** A box as a format states it. `units: 'normalized'` boxes (YOLO) are fractions of the image side. */
export interface DatasetBox {
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  difficult?: boolean;
  truncated?: boolean;
  /** Where the box was stated, for messages: e.g. `labels/train/a.txt:3`. */
  origin?: string;
}

/** One image as a format states it. */
export interface DatasetImage {
  /** Path of the image file relative to the dataset root, POSIX separators, never escaping the root. */
  file: string;
  /** Declared size, if the format states one (COCO, VOC, CreateML has none, YOLO has none). */
  width?: number;
  height?: number;
  split?: Split;
  /** Units of this image's boxes: pixels, or fractions of width/height (YOLO). */
  units: 'pixels' | 'normalized';
  boxes: DatasetBox[];
}

/** What a parser returns: the dataset and every problem found. A parser never throws on bad input. */
export interface ParsedDataset {
  classes: string[];
  images: DatasetImage[];
  problems: Problem[];
}

/** Read access to a dataset folder, so parsers stay pure and testable on in-memory trees. */
export interface DatasetSource {
  /** Root label for messages (the folder or file the user named). */
  readonly root: string;
  /** Names of files (not folders) directly inside `dir` (relative, '' for root), sorted; [] if it does not exist. */
  list(dir: string): string[];
  /** Names of folders directly inside `dir`, sorted; [] if it does not exist. Lets parsers walk image trees. */
  listDirs(dir: string): string[];
  /** Whether a file exists at a relative path. */
  exists(rel: string): boolean;
  /** Text of a relative path (UTF-8; a BOM is stripped). Throws if missing. */
  readText(rel: string): string;
}

/** A pixel box with its class name and flags: one shape for what an import stores and what an export writes. */
export interface LabeledBox extends Box {
  label: string;
  difficult: boolean;
  truncated: boolean;
}

/** A dataset ready to be written: pixel boxes, known sizes, splits. */
export interface ExportDataset {
  classes: string[];
  images: ExportImage[];
}

/** One image to export; `sourcePath` is an absolute path the exporter copies from. */
export interface ExportImage {
  /** Stable numeric id (COCO image_id); the project's image id. */
  id: number;
  /** File name to use in the export (unique within the export). */
  fileName: string;
  sourcePath: string;
  width: number;
  height: number;
  split: Split;
  boxes: LabeledBox[];
}

/** The files an exporter wants written: text files and image copies, both relative to the output folder. */
export interface ExportPlan {
  texts: { path: string; content: string }[];
  copies: { from: string; to: string }[];
}

/** Image file extensions the importers recognise. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.bmp',
  '.tif',
  '.tiff',
];
