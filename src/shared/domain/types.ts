/** Which part of the data an image belongs to; training never sees val or test boxes. */
export type Split = 'train' | 'val' | 'test';
/** All splits in their canonical order, for iteration and validation. */
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** Labeling progress of one image; `empty` is a reviewed negative (no objects). */
export type ImageStatus = 'unlabeled' | 'labeled' | 'empty' | 'reviewed';
/** All image statuses, for validation and filters. */
export const IMAGE_STATUSES: readonly ImageStatus[] = ['unlabeled', 'labeled', 'empty', 'reviewed'];

/** Where a box came from: drawn by a person or predicted by a run. */
export type AnnotationSource = 'manual' | 'predicted';
/** Pending boxes are model suggestions and never count as ground truth. */
export type AnnotationState = 'accepted' | 'pending';

/** An axis-aligned box in image pixels, top-left origin, after EXIF orientation. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A project as the UI and CLI see it. */
export interface ProjectInfo {
  id: string;
  name: string;
  dir: string;
  createdAt: string;
  schemaVersion: number;
}

/** A label class with its display and keyboard settings. */
export interface LabelClass {
  id: number;
  name: string;
  color: string;
  hotkey: string | null;
  order: number;
}

/** One image of the project. `path` is relative to the project folder unless `linked`. */
export interface ImageRecord {
  id: number;
  sha256: string;
  path: string;
  linked: boolean;
  width: number;
  height: number;
  split: Split;
  status: ImageStatus;
  createdAt: string;
}

/** One box on one image. */
export interface Annotation extends Box {
  id: number;
  imageId: number;
  classId: number;
  difficult: boolean;
  truncated: boolean;
  source: AnnotationSource;
  score: number | null;
  state: AnnotationState;
  createdAt: string;
  updatedAt: string;
}

/** Counts a person reads on the project home and that `ridge stats` prints. */
export interface ProjectStats {
  images: number;
  annotations: number;
  classes: { name: string; count: number }[];
  splits: Record<Split, number>;
}
