import { createHash } from 'node:crypto';
import type { Manifest } from '../../trainer/protocol';
import type { Project } from '../project/project';

/**
 * Freeze what a run trains on: every image with ACCEPTED boxes (pending predictions never reach training) and
 * every image marked empty (a negative: background). An image with no accepted boxes that is not marked empty
 * (unlabeled, or reviewed without boxes) is not ground truth: it is left out and counted in `leftOut`.
 */
export function freezeManifest(p: Project): Manifest {
  return p.db
    .transaction(() => {
      const classes = p.classes.list();
      const index = new Map(classes.map((c, i) => [c.id, i]));
      const boxes = new Map<number, Manifest['images'][number]['boxes']>();
      for (const a of p.annotations.acceptedAll()) {
        const list = boxes.get(a.imageId) ?? [];
        list.push({
          classIndex: index.get(a.classId)!,
          x: a.x,
          y: a.y,
          w: a.w,
          h: a.h,
          difficult: a.difficult,
        });
        boxes.set(a.imageId, list);
      }
      const all = p.images.all();
      const images = all
        .filter((img) => boxes.has(img.id) || img.status === 'empty')
        .map((img) => ({
          id: img.id,
          file: p.imagePath(img),
          width: img.width,
          height: img.height,
          split: img.split,
          boxes: boxes.get(img.id) ?? [],
        }));
      return { classes: classes.map((c) => c.name), images, leftOut: all.length - images.length };
    })
    .deferred();
}

/**
 * A hash of what the data IS (image contents, boxes, splits, classes), not where files live: two runs with
 * the same hash trained on the same data, which is what a comparison between arms needs.
 */
export function manifestHash(m: Manifest, contentHashes: ReadonlyMap<number, string>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(m.classes));
  for (const img of m.images) {
    h.update(`\n${contentHashes.get(img.id) ?? img.file}|${img.split}|${img.width}x${img.height}`);
    for (const b of img.boxes)
      h.update(`|${b.classIndex},${b.x},${b.y},${b.w},${b.h},${b.difficult ? 1 : 0}`);
  }
  return h.digest('hex');
}

/** Counts a person checks before training: images and boxes per split. */
export function manifestSummary(
  m: Manifest,
): Record<'train' | 'val' | 'test', { images: number; boxes: number }> {
  const out = { train: { images: 0, boxes: 0 }, val: { images: 0, boxes: 0 }, test: { images: 0, boxes: 0 } };
  for (const img of m.images) {
    out[img.split].images++;
    out[img.split].boxes += img.boxes.length;
  }
  return out;
}
