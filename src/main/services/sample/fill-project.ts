import { sha256Hex } from '../images/hash';
import { commitImages, type PreparedImage } from '../datasets/commit';
import { IMAGES_DIR, type Project } from '../project/project';
import { sampleClassNames } from './classes';
import { generateSample, sampleClassCount, type SampleOptions } from './generator';
import { Rng, hashIntsMurmur } from './prng';

/** What `ridge sample` stored. */
export interface SampleReport {
  images: number;
  annotations: number;
  alreadyPresent: number;
  /** Images stored without their boxes and not marked empty (training leaves them out). */
  unlabeled: number;
}

/** The options of a sample project: the generator's, plus images stored as not labeled yet. */
export interface SampleProjectOptions extends Omit<SampleOptions, 'count' | 'seed'> {
  count: number;
  seed: number;
  /** Share of images stored with no boxes and status unlabeled, as if nobody had labeled them yet (0..1). */
  unlabeled?: number;
  onProgress?: (done: number, total: number) => void;
}

const UNLABELED_STREAM = 3;

/** Whether image `index` is stored as not labeled yet (its own random stream, so it never moves other draws). */
function storedUnlabeled(seed: number, index: number, share: number): boolean {
  return share > 0 && new Rng(hashIntsMurmur(seed, index, UNLABELED_STREAM)).chance(share);
}

const BATCH = 250;

/**
 * Fill a project with the built-in generator's images and exact boxes (70/15/15 split). Images already stored by
 * an earlier run with the same seed are skipped, so the command can be re-run to top a project up. Each batch of
 * images is stored all-or-nothing.
 */
export async function fillSampleProject(p: Project, opts: SampleProjectOptions): Promise<SampleReport> {
  const { onProgress, unlabeled = 0, ...generate } = opts;
  if (!(unlabeled >= 0 && unlabeled <= 1))
    throw new RangeError(`unlabeled must be a share from 0 to 1, got ${unlabeled}`);
  const classes = sampleClassNames(sampleClassCount(opts));
  const folder = `${IMAGES_DIR}/sample-seed${opts.seed}`;
  let batch: PreparedImage[] = [];
  const report: SampleReport = { images: 0, annotations: 0, alreadyPresent: 0, unlabeled: 0 };
  const flush = () => {
    if (batch.length === 0) return;
    const r = commitImages(p, classes, batch);
    report.images += r.images;
    report.annotations += r.annotations;
    batch = [];
  };
  let done = 0;
  for await (const img of generateSample(generate)) {
    onProgress?.(++done, opts.count);
    const dest = `${folder}/${img.fileName}`;
    if (p.images.byPath(dest)) {
      report.alreadyPresent++;
      continue;
    }
    const boxes = storedUnlabeled(opts.seed, img.index, unlabeled) ? [] : img.boxes;
    if (boxes !== img.boxes) report.unlabeled++;
    batch.push({
      source: { buffer: img.buffer },
      dest,
      link: false,
      sha256: sha256Hex(img.buffer),
      width: img.width,
      height: img.height,
      split: img.split,
      status: boxes.length > 0 ? 'labeled' : boxes !== img.boxes ? 'unlabeled' : 'empty',
      boxes: boxes.map((b) => ({
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
