import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ImportProblem, ImportReport } from '../../../shared/api/contract';
import type { Split } from '../../../shared/domain/types';
import { clipBoxToImage } from '../../../shared/geometry';
import { UserError } from '../../../shared/errors';
import { nameProblem } from '../../../shared/names';
import { mapWithConcurrency, probeImage, type ProbeResult } from '../images';
import { IMAGES_DIR, type Project } from '../project/project';
import { commitImages, linkPath, type PreparedBox, type PreparedImage } from './commit';
import { fsSource, parseDataset } from './formats';
import type { ImportFormat } from '../../../shared/domain/formats';
import { isInside, leadsOutMessage, realOrSelf } from './formats/source';
import type { DatasetImage, Problem } from './formats/types';
import { ImportAbortedError } from './import-errors';

/** What a person asks an import to do. */
export interface ImportOptions {
  format: ImportFormat;
  /** The annotation file or dataset folder (absolute). */
  from: string;
  /** A separate images folder (absolute), when the annotations do not sit with their images. */
  images?: string;
  /** Split for images whose format states none. */
  split?: Split;
  /** Reference images in place instead of copying them into the project. */
  link?: boolean;
  /** Import what is good and list what was skipped, instead of aborting. */
  skipBad?: boolean;
  /** Decode every pixel of every image (slow) instead of checking that each file is complete. */
  verifyPixels?: boolean;
  onProgress?: (done: number, total: number, phase: string) => void;
}

/**
 * The folder a dataset lives in, and the annotation file inside it when the user named a file. A file inside an
 * `annotations/` folder (the COCO layout) makes the folder above it the root, so images beside it are found.
 */
export function datasetRoot(from: string): { root: string; file?: string } {
  if (!statSync(from).isFile()) return { root: from };
  const dir = path.dirname(from);
  if (path.basename(dir).toLowerCase() === 'annotations') {
    return { root: path.dirname(dir), file: `${path.basename(dir)}/${path.basename(from)}` };
  }
  return { root: dir, file: path.basename(from) };
}

/** 80/10/10 by content hash: the same image always lands in the same split, whoever imports it. */
export function splitByHash(sha256: string): Split {
  const bucket = parseInt(sha256.slice(0, 8), 16) % 10;
  return bucket < 8 ? 'train' : bucket === 8 ? 'val' : 'test';
}

function toImportProblem(p: Problem, root: string): ImportProblem {
  const out: ImportProblem = { severity: p.severity, file: path.join(root, p.file), message: p.message };
  if (p.line !== undefined) out.line = p.line;
  if (p.field !== undefined) out.field = p.field;
  return out;
}

function boxesInPixels(
  img: DatasetImage,
  width: number,
  height: number,
  warn: (file: string, msg: string) => void,
): PreparedBox[] {
  const out: PreparedBox[] = [];
  for (const b of img.boxes) {
    const raw =
      img.units === 'normalized' ? { x: b.x * width, y: b.y * height, w: b.w * width, h: b.h * height } : b;
    const r = clipBoxToImage(raw, width, height);
    const where = b.origin ?? img.file;
    const desc = `${b.label} box [${[raw.x, raw.y, raw.w, raw.h].map((v) => +v.toFixed(2)).join(', ')}]`;
    if (r.kind === 'dropped') {
      warn(where, `dropped ${desc}: ${r.reason === 'outside' ? 'entirely outside the image' : r.reason}`);
      continue;
    }
    if (r.kind === 'clipped') warn(where, `clipped ${desc} to the ${width}x${height} image`);
    out.push({ label: b.label, ...r.box, difficult: Boolean(b.difficult), truncated: Boolean(b.truncated) });
  }
  return out;
}

/** The annotation file that first states a class (from a box's origin), for naming it in a message. */
function classSource(images: readonly DatasetImage[], label: string): string | undefined {
  for (const img of images)
    for (const b of img.boxes) if (b.label === label && b.origin) return b.origin.replace(/(#.*|:\d+)$/, '');
  return undefined;
}

/**
 * Import a dataset into a project. Everything is checked before anything is written: file-level problems abort
 * with every problem listed (or, with skipBad, skip the images they concern); box repairs are warnings. Images
 * are probed (decoded, hashed) with a small pool, then copied and stored in one transaction.
 */
export async function importDataset(p: Project, opts: ImportOptions): Promise<ImportReport> {
  if (!existsSync(opts.from)) throw new UserError(`no such file or folder: ${opts.from}`, opts.from);
  if (opts.images && !(existsSync(opts.images) && statSync(opts.images).isDirectory())) {
    throw new UserError(`images folder not found: ${opts.images}`, opts.images);
  }
  // Real paths: a --from or --images that is itself a link names the folder it leads to, and only that is read.
  const { root, file } = datasetRoot(realOrSelf(opts.from));
  const imagesRoot = opts.images ? realOrSelf(opts.images) : root;
  const sourceProblems: { problem: Problem; root: string }[] = [];
  const sourceAt = (dir: string) =>
    fsSource(dir, { onProblem: (problem) => sourceProblems.push({ problem, root: dir }) });
  const parsed = parseDataset(sourceAt(root), opts.format, {
    ...(file !== undefined ? { file } : {}),
    ...(opts.images ? { images: sourceAt(imagesRoot) } : {}),
  });

  // Parser problems name files relative to the dataset folder, or to the images folder when one was given.
  const problemRoot = (file: string) =>
    opts.images && !existsSync(path.join(root, file)) && existsSync(path.join(imagesRoot, file))
      ? imagesRoot
      : root;
  const problems: ImportProblem[] = [];
  const badImages = new Set<string>();
  let fileLevelError = false;
  const note = (pr: Problem, at: string) => {
    problems.push(toImportProblem(pr, at));
    if (pr.severity !== 'error') return;
    if (pr.image !== undefined) badImages.add(pr.image);
    else fileLevelError = true;
  };
  for (const pr of parsed.problems) note(pr, problemRoot(pr.file));
  for (const c of parsed.classes) {
    const why = nameProblem('class', c);
    if (why)
      note({ severity: 'error', file: classSource(parsed.images, c) ?? file ?? '.', message: why }, root);
  }
  for (const { problem, root: at } of sourceProblems) note(problem, at);

  // An image whose real place is outside the images folder (a symlink out of it) is refused, never read.
  const realImagesRoot = realOrSelf(imagesRoot);
  const refused = parsed.images.map((img) => {
    const real = realOrSelf(path.join(imagesRoot, img.file));
    return isInside(real, realImagesRoot) ? null : leadsOutMessage(real);
  });
  const total = parsed.images.length;
  let done = 0;
  const probes = await mapWithConcurrency(parsed.images, 4, async (img, i): Promise<ProbeResult> => {
    const why = refused[i];
    const r: ProbeResult = why
      ? { ok: false, reason: why }
      : await probeImage(path.join(imagesRoot, img.file), { decode: opts.verifyPixels ? true : 'structure' });
    opts.onProgress?.(++done, total, 'checking images');
    return r;
  });
  parsed.images.forEach((img, i) => {
    const r = probes[i]!;
    if (!r.ok) {
      problems.push({ severity: 'error', file: path.join(imagesRoot, img.file), message: r.reason });
      badImages.add(img.file);
    }
  });

  const errors = problems.filter((x) => x.severity === 'error');
  const kept = parsed.images.filter((img) => !badImages.has(img.file));
  if (errors.length > 0 && (!opts.skipBad || fileLevelError)) {
    const why =
      fileLevelError && opts.skipBad
        ? ' (some problems concern a whole file, so --skip-bad cannot skip them)'
        : ' (use --skip-bad to import the rest)';
    throw new ImportAbortedError(
      `import aborted: ${errors.length} problem${errors.length > 1 ? 's' : ''}; nothing was written${why}`,
      problems,
    );
  }
  if (kept.length === 0) {
    const msg =
      total === 0
        ? `the dataset at ${opts.from} has 0 images; nothing was written`
        : 'every image had a problem; nothing was written';
    throw new ImportAbortedError(msg, problems, opts.from);
  }

  const warn = (file: string, message: string) =>
    problems.push({ severity: 'warning', file: path.join(root, file), message });
  const items: PreparedImage[] = [];
  const origins: string[] = [];
  let alreadyStored = 0;
  let duplicates = 0;
  const seenHashes = new Set<string>();
  parsed.images.forEach((img, i) => {
    if (badImages.has(img.file)) return;
    const probe = probes[i] as Extract<ProbeResult, { ok: true }>;
    const abs = path.join(imagesRoot, img.file);
    const same = p.images.bySha(probe.sha256);
    const wantedDest = `${IMAGES_DIR}/${img.file}`;
    const linkedPath = linkPath(p, abs);
    if (same.some((s) => s.path === (opts.link ? linkedPath : wantedDest))) {
      alreadyStored++;
      warn(img.file, 'already in the project from an earlier import of this dataset; skipped');
      return;
    }
    if (same.length > 0 || seenHashes.has(probe.sha256)) duplicates++;
    seenHashes.add(probe.sha256);
    if (
      img.width !== undefined &&
      img.height !== undefined &&
      (img.width !== probe.width || img.height !== probe.height)
    ) {
      warn(
        img.file,
        `declared size ${img.width}x${img.height} differs from the image (${probe.width}x${probe.height} after EXIF orientation); boxes kept as stated`,
      );
    }
    const boxes = boxesInPixels(img, probe.width, probe.height, warn);
    origins.push(img.file);
    items.push({
      source: { file: abs },
      dest: opts.link ? linkedPath : wantedDest,
      link: Boolean(opts.link),
      sha256: probe.sha256,
      width: probe.width,
      height: probe.height,
      split: img.split ?? opts.split ?? splitByHash(probe.sha256),
      status: boxes.length > 0 ? 'labeled' : opts.format === 'images' ? 'unlabeled' : 'empty',
      boxes,
    });
  });
  if (errors.length > 0) {
    for (const f of badImages)
      problems.push({ severity: 'warning', file: path.join(imagesRoot, f), message: 'skipped (--skip-bad)' });
  }

  opts.onProgress?.(0, items.length, 'storing');
  const res = commitImages(p, parsed.classes, items);
  for (const i of res.alreadyStored)
    warn(origins[i]!, 'stored meanwhile by another import of the same files; skipped');
  opts.onProgress?.(items.length, items.length, 'storing');
  return {
    images: res.images,
    annotations: res.annotations,
    classesCreated: res.classesCreated,
    skippedImages: badImages.size + alreadyStored + res.alreadyStored.length,
    duplicates,
    problems,
  };
}
