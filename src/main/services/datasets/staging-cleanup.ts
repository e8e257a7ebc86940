import type Database from 'better-sqlite3';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ImageRepo } from '../db/repos/image-repo';
import { readMoves, STAGED_FILES, stagingOwnerAlive, stagingRoot } from './staging-layout';

/** What one import's staging folder holds, as `ridge doctor` reports it. */
export interface StagedImport {
  id: string;
  /** The import is still running (another process or this one holds its lock): leave it alone. */
  live: boolean;
  /** Staged copies not yet moved into images/. */
  stagedFiles: number;
  /** Files it already moved into images/ whose rows were never committed (they go when it is cleaned). */
  uncommittedFiles: string[];
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function inspectOne(projectDir: string, db: Database.Database, id: string): StagedImport {
  const stageDir = path.join(stagingRoot(projectDir), id);
  const live = stagingOwnerAlive(stageDir);
  const images = new ImageRepo(db);
  const uncommittedFiles = live
    ? []
    : readMoves(stageDir)
        .filter((m) => !images.byPath(m.to) && existsSync(path.join(projectDir, m.to)))
        .map((m) => m.to);
  return { id, live, stagedFiles: countFiles(path.join(stageDir, STAGED_FILES)), uncommittedFiles };
}

/** Every import staging folder of a project and whether its owner is alive; reads only. */
export function inspectStaging(projectDir: string, db: Database.Database): StagedImport[] {
  const root = stagingRoot(projectDir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((id) => inspectOne(projectDir, db, id));
}

/**
 * Remove what killed imports left: their staged rows and copies, and the files they had already moved into
 * images/ when their transaction never committed (only those: each is named in its own moves.json, and no row
 * took its path). Runs inside the project's write lock, the lock an import holds while it creates its staging
 * folder and while it publishes, so it never races one; live imports alone cost no lock. Returns what it removed.
 */
export function cleanStaleImports(projectDir: string, db: Database.Database): StagedImport[] {
  const root = stagingRoot(projectDir);
  if (!existsSync(root)) return [];
  // only take the lock when something looks dead (looked at again under the lock: it may have been mid-creation)
  if (readdirSync(root).every((id) => stagingOwnerAlive(path.join(root, id)))) return [];
  return db
    .transaction(() => {
      const cleaned: StagedImport[] = [];
      for (const id of readdirSync(root).sort()) {
        const s = inspectOne(projectDir, db, id);
        if (s.live) continue;
        for (const f of s.uncommittedFiles) rmSync(path.join(projectDir, f), { force: true });
        rmSync(path.join(root, id), { recursive: true, force: true });
        cleaned.push(s);
      }
      return cleaned;
    })
    .immediate();
}
