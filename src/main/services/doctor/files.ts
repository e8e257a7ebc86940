import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { ImageRecord } from '../../../shared/domain/types';
import { IMAGES_DIR, RUNS_DIR } from '../project/project';

// What `ridge doctor` compares: the image rows, the files under images/, and the files each run's manifest names
// (a run keeps referring to the images it trained on, so those are never called orphans).

/** Folder (inside the project) where `ridge doctor --repair` moves what it takes out; nothing there is deleted. */
export const TRASH_DIR = '.trash';

/** Project-relative POSIX path of an absolute path. */
export function relToProject(projectDir: string, abs: string): string {
  return path.relative(projectDir, abs).split(path.sep).join('/');
}

/** Every file (or symlink) under images/, project-relative. */
export function imageFiles(projectDir: string): string[] {
  const root = path.join(projectDir, IMAGES_DIR);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => relToProject(projectDir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Files the runs' manifests refer to (project-relative), and manifests that could not be read. */
export function manifestReferences(projectDir: string): { files: Map<string, string>; unreadable: string[] } {
  const files = new Map<string, string>();
  const unreadable: string[] = [];
  const runs = path.join(projectDir, RUNS_DIR);
  if (!existsSync(runs)) return { files, unreadable };
  for (const run of readdirSync(runs).sort()) {
    const manifest = path.join(runs, run, 'manifest.json');
    if (!existsSync(manifest)) continue;
    try {
      const m = JSON.parse(readFileSync(manifest, 'utf8')) as { images?: { file?: unknown }[] };
      for (const img of m.images ?? [])
        if (typeof img.file === 'string')
          files.set(relToProject(projectDir, path.resolve(projectDir, img.file)), run);
    } catch {
      unreadable.push(relToProject(projectDir, manifest));
    }
  }
  return { files, unreadable };
}

/** Rows whose file does not exist. */
export function missingFiles(projectDir: string, rows: readonly ImageRecord[]): ImageRecord[] {
  return rows.filter((r) => !existsSync(path.resolve(projectDir, r.path)));
}

/** Hex sha-256 of a project-relative file. */
export function hashOf(projectDir: string, rel: string): string {
  return createHash('sha256')
    .update(readFileSync(path.join(projectDir, rel)))
    .digest('hex');
}

/** Move a project-relative file into the trash folder `stamp`, keeping its path; returns where it went. */
export function moveToTrash(projectDir: string, rel: string, stamp: string): string {
  const dest = path.join(projectDir, TRASH_DIR, stamp, rel);
  mkdirSync(path.dirname(dest), { recursive: true });
  renameSync(path.join(projectDir, rel), dest);
  return relToProject(projectDir, dest);
}

/** A time stamp safe in file names: one per repair, so its trash and kept files sort together. */
export function fileStamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}
