import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { OverviewImage, PurgeReport } from '../../../shared/api/studio-contract';
import type { Split } from '../../../shared/domain/types';
import type { Manifest } from '../../trainer/protocol';
import { UserError } from '../../../shared/errors';
import { IMAGES_DIR, type Project, RUNS_DIR } from '../project/project';

function requireImages(p: Project, ids: readonly number[]): void {
  const known = new Set(p.images.byIds(ids).map((i) => i.id));
  const missing = ids.filter((id) => !known.has(id));
  if (missing.length) throw new UserError(`image ${missing.slice(0, 5).join(', ')} does not exist`);
}

/** Move images to another split (one transaction); unknown ids refuse the whole change. */
export function setImagesSplit(p: Project, ids: readonly number[], split: Split): number {
  return p.tx(() => {
    requireImages(p, ids);
    for (const id of ids) p.images.setSplit(id, split);
    return ids.length;
  });
}

/**
 * Remove images from the project: hidden from lists, stats, exports and new runs, while row, boxes and file stay,
 * so `restoreImages` undoes it exactly. Returns how many were part of the project before.
 */
export function removeImages(p: Project, ids: readonly number[], now = new Date()): number {
  return p.tx(() => {
    requireImages(p, ids);
    const live = ids.filter((id) => !p.images.isRemoved(id));
    p.images.setRemoved(live, now.toISOString());
    return live.length;
  });
}

/** Bring removed images back into the project. Returns how many were removed before. */
export function restoreImages(p: Project, ids: readonly number[]): number {
  return p.tx(() => {
    requireImages(p, ids);
    const removed = ids.filter((id) => p.images.isRemoved(id));
    p.images.setRemoved(removed, null);
    return removed.length;
  });
}

/** Image ids and files named by any run's manifest (the runs folder on disk, so deleted runs no longer count). */
export function manifestReferences(p: Project): { ids: Set<number>; files: Set<string> } {
  const ids = new Set<number>();
  const files = new Set<string>();
  const root = path.join(p.dir, RUNS_DIR);
  if (!existsSync(root)) return { ids, files };
  for (const run of readdirSync(root)) {
    const file = path.join(root, run, 'manifest.json');
    if (!existsSync(file)) continue;
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    } catch {
      throw new UserError(`${file} cannot be read as a run manifest; nothing was deleted`, file);
    }
    for (const img of m.images ?? []) {
      ids.add(img.id);
      files.add(path.resolve(img.file));
    }
  }
  return { ids, files };
}

/**
 * Delete removed images for good: their rows and boxes, and the copies under images/ (a linked file belongs to
 * the person and is never deleted). An image any run manifest refers to is kept, file and row, so every run can
 * still be evaluated and resumed.
 */
export function purgeRemoved(p: Project): PurgeReport {
  const refs = manifestReferences(p);
  const removed = p.images.byIds(p.images.listed({}, { removed: true }).map((r) => r.id));
  const kept: OverviewImage[] = [];
  const gone: string[] = [];
  p.tx(() => {
    for (const img of removed) {
      const abs = p.imagePath(img);
      if (refs.ids.has(img.id) || refs.files.has(abs)) {
        kept.push({ id: img.id, path: img.path, split: img.split, status: img.status });
        continue;
      }
      p.images.deleteRow(img.id);
      const inProject = path.relative(path.join(p.dir, IMAGES_DIR), abs);
      if (!img.linked && !inProject.startsWith('..') && !path.isAbsolute(inProject)) gone.push(abs);
    }
  });
  let deletedFiles = 0;
  for (const f of gone) {
    if (!existsSync(f)) continue;
    rmSync(f);
    deletedFiles += 1;
  }
  return { deletedImages: removed.length - kept.length, deletedFiles, keptForRuns: kept };
}
