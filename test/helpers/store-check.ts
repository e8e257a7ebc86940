import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Every file below `dir` as a POSIX path relative to `base`, sorted ([] when `dir` does not exist). */
export function filesBelow(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...filesBelow(abs, base));
    else out.push(path.relative(base, abs).split(path.sep).join('/'));
  }
  return out.sort();
}

/** What a project's rows and its images/ folder say about each other, read without opening it as a project. */
export interface StoreState {
  rows: { path: string; sha256: string }[];
  /** Rows whose file is missing or holds other bytes than the row's hash. */
  broken: string[];
  /** Files under images/ that no row names. */
  orphans: string[];
}

/** Read a project's image rows (read-only, so no recovery runs) and compare them with the files on disk. */
export function storeState(dir: string): StoreState {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  const rows = db.prepare('SELECT path, sha256 FROM image ORDER BY id').all() as StoreState['rows'];
  db.close();
  const broken = rows
    .filter((r) => {
      const abs = path.join(dir, r.path);
      if (!existsSync(abs)) return true;
      return createHash('sha256').update(readFileSync(abs)).digest('hex') !== r.sha256;
    })
    .map((r) => r.path);
  const named = new Set(rows.map((r) => r.path));
  const orphans = filesBelow(path.join(dir, 'images'), dir).filter((f) => !named.has(f));
  return { rows, broken, orphans };
}
