// The two saliency examples of a study's report.html: the baseline arm's run and the best other arm's run of one
// seed, each as its first evaluated test image with the kept map (SALIENCY_EXAMPLE_FILE) laid over it, GT boxes
// and the detection burnt in, as PNG data: URIs so the page stays self-contained. The services never load tfjs:
// the trainer wrote the map; this only reads and draws it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { RunRecord } from '../../../shared/domain/runs';
import type { SaliencyExampleView, StudyDocument } from '../../../shared/api/runs-contract';
import { colorAt, DEFAULT_HEATMAP_OPACITY, normalise } from '../../../shared/heatmap';
import { armLabel } from '../../../shared/stats/verdicts';
import { type Manifest, SALIENCY_EXAMPLE_FILE } from '../../trainer/protocol';
import type { Project } from '../project/project';
import { runDir } from './runs';
import { esc } from './study-report';

/** Longest side of a drawn example in pixels (a 64 px input is enlarged so a person can see it). */
export const EXAMPLE_SIZE = 320;

/** Source-pixel boxes of the image (GT) and the detection's box in input pixels, to draw over the map. */
export interface OverlayBoxes {
  truth: readonly { x: number; y: number; w: number; h: number }[];
  imageSize: { width: number; height: number };
}

/**
 * The test image (grey, so colour means saliency) with the map over it in the app's colour scale and
 * normalisation (src/shared/heatmap.ts: inferno, clipped at the map's 99th percentile, alpha the default opacity
 * times the map), so where the map is 0 the image shows unchanged; GT boxes in green, the detection in cyan. A PNG
 * of the image region at EXAMPLE_SIZE on its longest side.
 */
export async function overlaySaliency(
  imageFile: string,
  ex: SaliencyExampleView,
  boxes: OverlayBoxes,
): Promise<Buffer> {
  const k = EXAMPLE_SIZE / Math.max(ex.width, ex.height);
  const W = Math.max(1, Math.round(ex.width * k));
  const H = Math.max(1, Math.round(ex.height * k));
  const img = await sharp(imageFile)
    .rotate()
    .greyscale()
    .resize(W, H, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  // Normalised at the map's own resolution, as the app does, then enlarged.
  const t = normalise(ex.values);
  const heat = await sharp(Buffer.from(Uint8Array.from(t, (v) => Math.round(255 * v))), {
    raw: { width: ex.width, height: ex.height, channels: 1 },
  })
    .resize(W, H, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const out = Buffer.alloc(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    const v = heat[i]! / 255;
    const g = img[i]! * 0.8; // the image a little darker, so the heat stands out
    const a = DEFAULT_HEATMAP_OPACITY * v;
    const rgb = colorAt(v);
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(g * (1 - a) + rgb[c]! * a);
  }
  const sx = W / boxes.imageSize.width;
  const sy = H / boxes.imageSize.height;
  const d = ex.detection;
  const { offX, offY } = ex.placement;
  const rect = (x: number, y: number, w: number, h: number, colour: string, dash = '') =>
    `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, w).toFixed(1)}" height="${Math.max(1, h).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">` +
    boxes.truth.map((b) => rect(b.x * sx, b.y * sy, b.w * sx, b.h * sy, '#3cdc5a')).join('') +
    rect((d.x1 - offX) * k, (d.y1 - offY) * k, (d.x2 - d.x1) * k, (d.y2 - d.y1) * k, '#2ad4ff', '6 3') +
    '</svg>';
  return sharp(out, { raw: { width: W, height: H, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}

/** The seed both runs share: 0 when both have it, else the smallest common one. */
function sharedSeed(a: readonly RunRecord[], b: readonly RunRecord[]): number | undefined {
  const seeds = new Set(b.map((r) => r.config.seed));
  const common = [...new Set(a.map((r) => r.config.seed))].filter((s) => seeds.has(s)).sort((x, y) => x - y);
  return common.includes(0) ? 0 : common[0];
}

/** One example as a figure: the overlay and a caption (arm, seed, file, detection, saliencyInBox). */
async function exampleFigure(p: Project, run: RunRecord, label: string): Promise<string | null> {
  const dir = runDir(p, run.id);
  const file = path.join(dir, SALIENCY_EXAMPLE_FILE);
  if (!existsSync(file)) return null;
  const ex = JSON.parse(readFileSync(file, 'utf8')) as SaliencyExampleView;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const image = manifest.images.find((i) => i.id === ex.imageId);
  if (!image || !existsSync(image.file)) return null;
  const png = await overlaySaliency(image.file, ex, {
    truth: image.boxes,
    imageSize: { width: image.width, height: image.height },
  });
  const cls = manifest.classes[ex.detection.classIndex] ?? `class ${ex.detection.classIndex}`;
  const inBox = ex.inBox === null ? 'n/a' : ex.inBox.toFixed(2);
  return (
    `<figure><img src="data:image/png;base64,${png.toString('base64')}" alt="saliency of ${esc(label)} on ${esc(path.basename(image.file))}">` +
    `<figcaption><b>${esc(label)}</b>, seed ${run.config.seed} &middot; ${esc(path.basename(image.file))}<br>` +
    `top detection: ${esc(cls)}, score ${ex.detection.score.toFixed(2)} &middot; saliencyInBox of this image ${inBox}</figcaption></figure>`
  );
}

/**
 * The report's "Where the models look" section: the baseline arm's run and the best other arm's (by mean test
 * mAP50-95) of one shared seed, side by side; in plain words why not when the runs kept no example.
 */
export async function saliencySection(
  p: Project,
  doc: Pick<StudyDocument, 'arms' | 'study'>,
  runs: readonly RunRecord[],
): Promise<string> {
  const done = (arm: string) => runs.filter((r) => r.status === 'done' && r.config.arm === arm);
  const base = doc.arms.find((a) => a.arm === doc.study.baseline);
  const best = doc.arms
    .filter((a) => a !== base && done(a.arm).length > 0)
    .sort(
      (x, y) =>
        (Number.isFinite(y.testMAP50_95.mean) ? y.testMAP50_95.mean : -1) -
        (Number.isFinite(x.testMAP50_95.mean) ? x.testMAP50_95.mean : -1),
    )[0];
  const head =
    "<h2>Where the models look</h2><p>Each map is the gradient of the top detection's class score with respect to " +
    'the input pixels: bright, hot pixels are those that would change that score most (colour and opacity follow ' +
    'the square root of the map, scaled to its maximum). Green: ground-truth boxes; dashed cyan: the detection.</p>';
  const seed = base && best ? sharedSeed(done(base.arm), done(best.arm)) : undefined;
  const figures =
    base && best && seed !== undefined
      ? await Promise.all(
          [base, best].map((a) =>
            exampleFigure(
              p,
              done(a.arm).find((r) => r.config.seed === seed)!,
              armLabel(a.reg, a.lambda),
            ),
          ),
        )
      : [];
  if (figures.length === 2 && figures.every((f) => f !== null))
    return `${head}<div class="examples">${figures.join('')}</div>`;
  return (
    '<h2>Where the models look</h2><p class="note">No saliency examples to show: the runs compared here were made ' +
    'before runs kept one (or have no finished pair of one seed, or no test image with a box and a detection). ' +
    'The saliencyInBox figure in the table is unaffected.</p>'
  );
}
