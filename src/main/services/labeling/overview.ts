import type { Histogram, OverviewImage, ProjectOverview } from '../../../shared/api/studio-contract';
import { IMAGE_STATUSES, type ImageStatus, type Split, SPLITS } from '../../../shared/domain/types';
import { naturalCompare } from '../../../shared/natural-sort';
import type { Project } from '../project/project';

/** Box size bins (sqrt of the area, image px): powers of two; COCO's small/medium/large cut at 32 and 96. */
export const BOX_SIZE_EDGES = [0, 8, 16, 32, 64, 128, 256, 512, 1024];
/** Aspect ratio (w/h) bins, symmetric around square on a log scale. */
export const ASPECT_EDGES = [0, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1, 3 / 2, 2, 3, 4];
/** How many images without boxes the overview names (the count covers all). */
const FIRST_WITHOUT_BOXES = 50;

/** Count values into bins: bin i is [edges[i], edges[i+1]), the last one open above; values below edges[0] go in bin 0. */
export function histogram(values: Iterable<number>, edges: readonly number[]): Histogram {
  const counts = edges.map(() => 0);
  for (const v of values) {
    let i = edges.length - 1;
    while (i > 0 && v < edges[i]!) i--;
    counts[i]! += 1;
  }
  return { edges: [...edges], counts };
}

const zeroSplits = (): Record<Split, number> => ({ train: 0, val: 0, test: 0 });

/** Everything the landing page shows, read in one snapshot; removed images count only under `removed`. */
export function projectOverview(p: Project): ProjectOverview {
  return p.db
    .transaction((): ProjectOverview => {
      const images = p.images.all();
      const byId = new Map(images.map((i) => [i.id, i]));
      const brief = (id: number): OverviewImage => {
        const i = byId.get(id)!;
        return { id, path: i.path, split: i.split, status: i.status };
      };
      const byStatus = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
      for (const i of images) byStatus[i.status] += 1;
      const classes = p.classes.list();
      const perClass = new Map(classes.map((c) => [c.id, zeroSplits()]));
      const sizes: number[] = [];
      const aspects: number[] = [];
      const withBoxes = new Set<number>();
      for (const a of p.annotations.acceptedAll()) {
        const img = byId.get(a.imageId);
        if (!img) continue; // a removed image
        withBoxes.add(a.imageId);
        perClass.get(a.classId)![img.split] += 1;
        sizes.push(Math.sqrt(a.w * a.h));
        aspects.push(a.w / a.h);
      }
      const without = images.filter((i) => !withBoxes.has(i.id));
      const groups = p.images.duplicateGroups();
      return {
        images: {
          total: images.length,
          bySplit: p.images.countBySplit(),
          byStatus,
          removed: p.images.listed({}, { removed: true }).length,
        },
        boxes: { accepted: sizes.length, pending: p.annotations.countPending() },
        classes: classes.map((c) => ({
          id: c.id,
          name: c.name,
          color: c.color,
          bySplit: perClass.get(c.id)!,
        })),
        boxSize: histogram(sizes, BOX_SIZE_EDGES),
        aspect: histogram(aspects, ASPECT_EDGES),
        withoutBoxes: {
          count: without.length,
          unlabeled: without.filter((i) => i.status === 'unlabeled').length,
          empty: without.filter((i) => i.status === 'empty').length,
          other: without.filter((i) => i.status !== 'unlabeled' && i.status !== 'empty').length,
          first: without
            .sort((a, b) => naturalCompare(a.path, b.path))
            .slice(0, FIRST_WITHOUT_BOXES)
            .map((i) => brief(i.id)),
        },
        leaks: groups
          .filter((g) => g.crossSplit)
          .map((g) => ({
            sha256: g.sha256,
            images: g.imageIds.map(brief).sort((a, b) => SPLITS.indexOf(a.split) - SPLITS.indexOf(b.split)),
          })),
        duplicateGroups: groups.filter((g) => !g.crossSplit).length,
      };
    })
    .deferred();
}
