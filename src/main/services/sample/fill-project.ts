import { sha256Hex } from '../images/hash';
import { commitImages, type PreparedImage } from '../datasets/commit';
import { IMAGES_DIR, type Project } from '../project/project';
import { generateSample } from './generator';
import { SAMPLE_CLASSES } from './shapes';

/** What `ridge sample` stored. */
export interface SampleReport {
  images: number;
  annotations: number;
  alreadyPresent: number;
}

const BATCH = 250;

/**
 * Fill a project with the built-in generator's images and exact boxes (70/15/15 split). Images already stored by
 * an earlier run with the same seed are skipped, so the command can be re-run to top a project up. Each batch of
 * images is stored all-or-nothing.
 */
export async function fillSampleProject(
  p: Project,
  opts: {
    count: number;
    seed: number;
    /** Class shares (imbalance.ts): the project gets that many classes. */
    imbalance?: readonly number[];
    onProgress?: (done: number, total: number) => void;
  },
): Promise<SampleReport> {
  const classes = SAMPLE_CLASSES.slice(0, opts.imbalance?.length);
  const folder = `${IMAGES_DIR}/sample-seed${opts.seed}`;
  let batch: PreparedImage[] = [];
  const report: SampleReport = { images: 0, annotations: 0, alreadyPresent: 0 };
  const flush = () => {
    if (batch.length === 0) return;
    const r = commitImages(p, classes, batch);
    report.images += r.images;
    report.annotations += r.annotations;
    batch = [];
  };
  let done = 0;
  for await (const img of generateSample({
    count: opts.count,
    seed: opts.seed,
    ...(opts.imbalance ? { imbalance: opts.imbalance } : {}),
  })) {
    opts.onProgress?.(++done, opts.count);
    const dest = `${folder}/${img.fileName}`;
    if (p.images.byPath(dest)) {
      report.alreadyPresent++;
      continue;
    }
    batch.push({
      source: { buffer: img.buffer },
      dest,
      link: false,
      sha256: sha256Hex(img.buffer),
      width: img.width,
      height: img.height,
      split: img.split,
      status: img.boxes.length > 0 ? 'labeled' : 'empty',
      boxes: img.boxes.map((b) => ({
        label: b.label,
        x: b.x,
        y: b.y,
        w: b.w,
        h: b.h,
        difficult: false,
        truncated: false,
      })),
    });
    if (batch.length >= BATCH) flush();
  }
  if (opts.count === 0) commitImages(p, classes, []);
  flush();
  return report;
}
