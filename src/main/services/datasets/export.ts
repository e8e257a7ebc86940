import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { ExportReport } from '../../../shared/api/contract';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';
import type { ExportFormat } from '../../../shared/domain/formats';
import type { ExportDataset, ExportImage, ExportPlan } from './formats/types';
import { writeDataset } from './formats';

/** Ground truth to export: accepted boxes only; unlabeled images are left out (their absence of boxes means nothing). */
export function buildExportDataset(p: Project): { dataset: ExportDataset; skippedUnlabeled: number } {
  const classes = p.classes.list();
  const className = new Map(classes.map((c) => [c.id, c.name]));
  const byImage = new Map<number, ExportImage['boxes']>();
  for (const a of p.annotations.acceptedAll()) {
    const list = byImage.get(a.imageId) ?? [];
    list.push({
      label: className.get(a.classId)!,
      x: a.x,
      y: a.y,
      w: a.w,
      h: a.h,
      difficult: a.difficult,
      truncated: a.truncated,
    });
    byImage.set(a.imageId, list);
  }
  const usedNames = new Set<string>();
  const images: ExportImage[] = [];
  let skippedUnlabeled = 0;
  for (const img of p.images.all()) {
    if (img.status === 'unlabeled' && !byImage.has(img.id)) {
      skippedUnlabeled++;
      continue;
    }
    let fileName = path.posix.basename(img.path);
    if (usedNames.has(fileName.toLowerCase())) fileName = `${img.id}_${fileName}`;
    usedNames.add(fileName.toLowerCase());
    images.push({
      id: img.id,
      fileName,
      sourcePath: p.imagePath(img),
      width: img.width,
      height: img.height,
      split: img.split,
      boxes: byImage.get(img.id) ?? [],
    });
  }
  return { dataset: { classes: classes.map((c) => c.name), images }, skippedUnlabeled };
}

function writePlan(plan: ExportPlan, dir: string): void {
  for (const t of plan.texts) {
    const abs = path.join(dir, t.path);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, t.content);
  }
  for (const c of plan.copies) {
    const abs = path.join(dir, c.to);
    mkdirSync(path.dirname(abs), { recursive: true });
    if (!existsSync(c.from)) throw new UserError(`image file missing: ${c.from} (moved or deleted?)`, c.from);
    copyFileSync(c.from, abs);
  }
}

/**
 * Export the project's ground truth. The folder must be new or empty; everything is written to a sibling
 * temporary folder and renamed into place at the end, so a failed export leaves no half-written dataset.
 */
export function exportDataset(p: Project, format: ExportFormat, to: string): ExportReport {
  const out = path.resolve(to);
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new UserError(`${out} exists and is not a folder`, out);
    if (readdirSync(out).length > 0)
      throw new UserError(`export folder ${out} is not empty; choose a new folder`, out);
  }
  const { dataset, skippedUnlabeled } = buildExportDataset(p);
  const plan = writeDataset(format, dataset);
  const tmp = `${out}.partial-${process.pid}-${Date.now()}`;
  mkdirSync(path.dirname(out), { recursive: true });
  try {
    writePlan(plan, tmp);
    if (existsSync(out)) rmSync(out, { recursive: true });
    renameSync(tmp, out);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return {
    dir: out,
    format,
    images: dataset.images.length,
    annotations: dataset.images.reduce((n, i) => n + i.boxes.length, 0),
    skippedUnlabeled,
  };
}
