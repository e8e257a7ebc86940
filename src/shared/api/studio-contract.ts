// Results of the labeling studio's project-level methods: the overview, the naturally sorted image list,
// split changes and image removal (issue 16). Kept apart from contract.ts so they merge as one file.
import type { ImageStatus, Split } from '../domain/types';
import type { ImageWithBoxes } from './contract';

/** Counts per bin: bin i holds values in [edges[i], edges[i+1]); the last bin is open above. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** An image as the overview names it (a click opens it in Annotate). */
export interface OverviewImage {
  id: number;
  path: string;
  split: Split;
  status: ImageStatus;
}

/** The project at a glance: what the landing page shows. Removed images are left out of every figure but `removed`. */
export interface ProjectOverview {
  images: {
    total: number;
    bySplit: Record<Split, number>;
    byStatus: Record<ImageStatus, number>;
    removed: number;
  };
  boxes: { accepted: number; pending: number };
  /** Accepted boxes per class per split, classes in project order (zeros included). */
  classes: { id: number; name: string; color: string; bySplit: Record<Split, number> }[];
  /** Box size as sqrt(w*h) in image pixels, accepted boxes. */
  boxSize: Histogram;
  /** Box aspect ratio w/h, accepted boxes. */
  aspect: Histogram;
  /** Images with no accepted box: unlabeled ones and negatives (marked empty), first ones by name. */
  withoutBoxes: { count: number; unlabeled: number; empty: number; other: number; first: OverviewImage[] };
  /** Identical images in more than one split (train/val/test leakage), the check `ridge stats` prints. */
  leaks: { sha256: string; images: OverviewImage[] }[];
  /** Groups of identical images within one split (not leakage, but counted twice). */
  duplicateGroups: number;
}

/** One row of the image list: the image, its boxes, and whether it is removed from the project. */
export interface ListedImage extends ImageWithBoxes {
  removed: boolean;
}

/** What deleting the files of removed images did; images a run manifest refers to are kept. */
export interface PurgeReport {
  deletedImages: number;
  deletedFiles: number;
  keptForRuns: OverviewImage[];
}

/** Results of the studio methods (merged into ResultMap). */
export interface StudioResultMap {
  'project.overview': ProjectOverview;
  'images.list': { ids: number[] };
  'images.byIds': ListedImage[];
  'images.setSplit': { updated: number };
  'images.remove': { removed: number };
  'images.restore': { restored: number };
  'images.purgeRemoved': PurgeReport;
}
