import type { Histogram, ProjectOverview } from '../../../shared/api/studio-contract';
import { IMAGE_STATUSES, type ImageStatus, type Split, SPLITS } from '../../../shared/domain/types';
import { naturalCompare } from '../../../shared/natural-sort';
import { OverviewRepo } from '../db/repos/overview-repo';
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
  const q = new OverviewRepo(p.db);
  return p.db
    .transaction((): ProjectOverview => {
      const byStatus = Object.fromEntries(IMAGE_STATUSES.map((s) => [s, 0])) as Record<ImageStatus, number>;
      for (const r of q.byStatus()) byStatus[r.status] = r.n;
      const classes = p.classes.list();
      const perClass = new Map(classes.map((c) => [c.id, zeroSplits()]));
      const boxes = q.boxes();
      for (const [cls, split] of boxes) perClass.get(cls)![split] += 1;
      const without = q.withoutBoxes().sort((a, b) => naturalCompare(a.path, b.path));
      const groups = p.images.duplicateGroups();
      const splitOrder = (s: Split) => SPLITS.indexOf(s);
      return {
        images: {
          total: IMAGE_STATUSES.reduce((n, s) => n + byStatus[s], 0),
          bySplit: p.images.countBySplit(),
          byStatus,
          removed: q.removed(),
        },
        boxes: { accepted: boxes.length, pending: p.annotations.countPending() },
        classes: classes.map((c) => ({
          id: c.id,
          name: c.name,
          color: c.color,
          bySplit: perClass.get(c.id)!,
        })),
        boxSize: histogram(
          boxes.map(([, , w, h]) => Math.sqrt(w * h)),
          BOX_SIZE_EDGES,
        ),
        aspect: histogram(
          boxes.map(([, , w, h]) => w / h),
          ASPECT_EDGES,
        ),
        withoutBoxes: {
          count: without.length,
          unlabeled: without.filter((i) => i.status === 'unlabeled').length,
          empty: without.filter((i) => i.status === 'empty').length,
          other: without.filter((i) => i.status !== 'unlabeled' && i.status !== 'empty').length,
          first: without.slice(0, FIRST_WITHOUT_BOXES),
        },
        leaks: groups
          .filter((g) => g.crossSplit)
          .map((g) => ({
            sha256: g.sha256,
            images: q.brief(g.imageIds).sort((a, b) => splitOrder(a.split) - splitOrder(b.split)),
          })),
        duplicateGroups: groups.filter((g) => !g.crossSplit).length,
      };
    })
    .deferred();
}
