import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImageRecord } from '../../../shared/domain/types';
import { cleanStaleImports, inspectStaging } from '../datasets/staging-cleanup';
import { readMoves, stagingRoot } from '../datasets/staging-layout';
import { openUnwritten } from '../db/connection';
import { UserError } from '../../../shared/errors';
import { integrityProblems } from '../db/integrity';
import { ImageRepo } from '../db/repos/image-repo';
import { PROJECT_FILE, Project } from '../project/project';
import {
  fileStamp,
  hashOf,
  imageFiles,
  manifestReferences,
  missingFiles,
  moveToTrash,
  TRASH_DIR,
} from './files';
import { repairDatabase } from '../db/recover';

/** The kinds of trouble `ridge doctor` finds. */
export type DoctorProblemKind = 'unreadable' | 'damage' | 'missing-file' | 'orphan-file' | 'staged-import';

/** One thing wrong with a project, with the file it concerns. */
export interface DoctorProblem {
  kind: DoctorProblemKind;
  message: string;
  file?: string;
  /** SQLite's own words, for damage. */
  details?: string[];
}

/** What `ridge doctor` found (and, with --repair, did). `problems` are what remains wrong. */
export interface DoctorReport {
  project: string;
  problems: DoctorProblem[];
  repaired: string[];
  notes: string[];
  /** Copies taken before schema upgrades (project.ridge.v<N>-<time>.bak), oldest first. */
  backups: string[];
}

function backupsOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${PROJECT_FILE}.v`) && f.endsWith('.bak'))
    .sort();
}

function projectFile(dir: string): string {
  const file = path.join(dir, PROJECT_FILE);
  if (!existsSync(file))
    throw new UserError(`${dir} is not a Ridge Studio project (no ${PROJECT_FILE})`, dir);
  return file;
}

/** Rows against files, staging leftovers; what the database says is read through `db`. */
function fileProblems(dir: string, db: Database.Database, report: DoctorReport): void {
  const rows = new ImageRepo(db).everyRow();
  for (const r of missingFiles(dir, rows)) {
    const linked = r.linked ? ' (a linked image: its folder may have moved or not be mounted)' : '';
    report.problems.push({
      kind: 'missing-file',
      file: path.resolve(dir, r.path),
      message: `image ${r.id} (${r.path}): its file is missing${linked}`,
    });
  }
  const staged = inspectStaging(dir, db);
  const explained = new Set<string>();
  for (const s of staged) {
    if (s.live) {
      report.notes.push(`import ${s.id} is running; its staging folder was left alone`);
      for (const m of readMoves(path.join(stagingRoot(dir), s.id))) explained.add(m.to);
      continue;
    }
    for (const f of s.uncommittedFiles) explained.add(f);
    const moved = s.uncommittedFiles.length
      ? `, and ${s.uncommittedFiles.length} files it had moved into images/ but never committed`
      : '';
    report.problems.push({
      kind: 'staged-import',
      file: path.join(stagingRoot(dir), s.id),
      message: `import ${s.id} stopped before it finished (killed?): ${s.stagedFiles} staged files${moved}`,
    });
  }
  const named = new Set(rows.map((r) => r.path));
  const refs = manifestReferences(dir);
  for (const m of refs.unreadable)
    report.notes.push(`${m} could not be read; the files it names were not looked for`);
  for (const f of imageFiles(dir)) {
    if (named.has(f) || explained.has(f)) continue;
    const run = refs.files.get(f);
    if (run) report.notes.push(`${f}: no image row, but run ${run}'s manifest refers to it; kept`);
    else
      report.problems.push({
        kind: 'orphan-file',
        file: path.join(dir, f),
        message: `${f}: no image row and no run manifest refers to it`,
      });
  }
}

/**
 * Look a project over without changing it: whether the file can be opened at all, database damage (integrity
 * check), rows whose files are missing, files nothing refers to, and what killed imports left behind.
 */
export function diagnoseProject(dir: string): DoctorReport {
  const abs = path.resolve(dir);
  const file = projectFile(abs);
  const report: DoctorReport = {
    project: abs,
    problems: [],
    repaired: [],
    notes: [],
    backups: backupsOf(abs),
  };
  let db: Database.Database;
  try {
    db = openUnwritten(file).db;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    report.problems.push({ kind: 'unreadable', file, message: err.message });
    return report;
  }
  try {
    const damage = integrityProblems(db);
    if (damage.length > 0) {
      const old = report.backups.length
        ? `; copies from before schema upgrades: ${report.backups.join(', ')}`
        : '';
      report.problems.push({
        kind: 'damage',
        file,
        message: `the database is damaged: ${damage[0]}${old}`,
        details: damage,
      });
    }
    try {
      fileProblems(abs, db, report);
    } catch (err) {
      report.notes.push(`rows and files could not be compared: ${(err as Error).message}`);
    }
  } finally {
    db.close();
  }
  return report;
}

/** Rows whose copy is gone: put back an orphan with the same content, else record the row in the trash and drop it. */
function repairRows(p: Project, stamp: string, done: string[]): void {
  const missing = missingFiles(p.dir, p.images.everyRow()).filter((r) => !r.linked);
  if (missing.length === 0) return;
  const named = new Set(p.images.everyRow().map((r) => r.path));
  const bySha = new Map<string, string>();
  for (const f of imageFiles(p.dir)) if (!named.has(f)) bySha.set(hashOf(p.dir, f), f);
  const dropped: { image: ImageRecord; boxes: unknown[] }[] = [];
  for (const r of missing) {
    const found = bySha.get(r.sha256);
    if (found) {
      moveFile(p.dir, found, r.path);
      bySha.delete(r.sha256);
      done.push(`image ${r.id}: found its content at ${found}; moved it back to ${r.path}`);
      continue;
    }
    dropped.push({ image: r, boxes: p.annotations.forImage(r.id) });
    p.images.deleteRow(r.id);
  }
  if (dropped.length === 0) return;
  const record = path.join(p.dir, TRASH_DIR, stamp, 'images-without-files.json');
  mkdirSync(path.dirname(record), { recursive: true });
  writeFileSync(record, JSON.stringify(dropped, null, 1));
  done.push(
    `${dropped.length} image rows whose files are gone were removed with their boxes; ` +
      `they are recorded in ${path.relative(p.dir, record)}`,
  );
}

function moveFile(dir: string, from: string, to: string): void {
  mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
  renameSync(path.join(dir, from), path.join(dir, to));
}

/**
 * Repair what diagnoseProject finds, then look again: damage (indexes rebuilt, or the readable rows recovered into
 * a new file; the damaged file kept), killed imports' leftovers removed, missing copies restored from an orphan
 * of the same content or else recorded and removed, and orphans moved to .trash/<time>/ (never deleted).
 * Linked images whose files are missing, and files a run's manifest refers to, are left as they are.
 */
export function repairProject(dir: string): DoctorReport {
  const abs = path.resolve(dir);
  const file = projectFile(abs);
  const first = diagnoseProject(abs);
  if (first.problems.some((p) => p.kind === 'unreadable')) return first;
  const stamp = fileStamp();
  const done: string[] = [];
  let recovered = false;
  if (first.problems.some((p) => p.kind === 'damage')) {
    const r = repairDatabase(file, `${file}.damaged-${stamp}`);
    done.push(...r.notes);
    recovered = r.recovered;
  }
  const p = Project.open(abs, { cleanStaging: false });
  try {
    for (const s of cleanStaleImports(abs, p.db))
      done.push(
        `removed what import ${s.id} left: ${s.stagedFiles} staged files, ${s.uncommittedFiles.length} uncommitted files in images/`,
      );
    p.tx(() => {
      repairRows(p, stamp, done);
      // after a recovery, files without rows may be the images of rows that were lost: leave them for a person
      if (recovered) return;
      for (const f of diagnoseFiles(p)) done.push(`${f}: moved to ${moveToTrash(abs, f, stamp)}`);
    });
  } finally {
    p.close();
  }
  const after = diagnoseProject(abs);
  if (recovered && after.problems.some((x) => x.kind === 'orphan-file'))
    after.notes.push(
      'the recovered file lost rows, so files in images/ without a row were left where they are: they may be the ' +
        "images of lost rows (re-import them with 'ridge import --format images'); the next 'ridge doctor --repair' " +
        'moves them to .trash/',
    );
  return { ...after, repaired: done };
}

/** Orphans as diagnoseProject sees them, read through an open project (inside the repair's transaction). */
function diagnoseFiles(p: Project): string[] {
  const report: DoctorReport = { project: p.dir, problems: [], repaired: [], notes: [], backups: [] };
  fileProblems(p.dir, p.db, report);
  return report.problems
    .filter((x) => x.kind === 'orphan-file')
    .map((x) => path.relative(p.dir, x.file!).split(path.sep).join('/'));
}
