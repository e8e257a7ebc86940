import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Project } from '../../src/main/services/project/project';

/**
 * A closed project with `images` image rows of `boxesEach` boxes. Each row's file exists when `withFiles` (a few
 * bytes, not a real image: enough for checks that only look for files); without, only the database matters.
 */
export function projectWithRows(dir: string, images: number, boxesEach: number, withFiles = false): void {
  const p = Project.init(dir, 'damage');
  if (withFiles) {
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    for (let i = 0; i < images; i++) writeFileSync(path.join(dir, `images/img_${i}.jpg`), `image ${i}`);
  }
  p.tx(() => {
    const classes = ['cat', 'dog', 'bird'].map((n) => p.classes.create(n).id);
    for (let i = 0; i < images; i++) {
      const img = p.images.insert({
        sha256: i.toString(16).padStart(64, '0'),
        path: `images/img_${i}.jpg`,
        linked: false,
        width: 640,
        height: 480,
        split: i % 10 < 8 ? 'train' : i % 10 === 8 ? 'val' : 'test',
        status: 'labeled',
      });
      for (let b = 0; b < boxesEach; b++)
        p.annotations.insertId({ imageId: img.id, classId: classes[b % 3]!, x: b, y: b, w: 10, h: 10 });
    }
  });
  p.close();
}

/**
 * Pages of one table or index, by kind ('leaf', 'internal'), read through SQLite's dbstat table. Read-write, so
 * closing removes the -wal and -shm files a read of a WAL database makes (a read-only close leaves them).
 */
export function pagesOf(file: string, name: string, kind: 'leaf' | 'internal'): number[] {
  const db = new Database(file, { fileMustExist: true });
  const rows = db
    .prepare('SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ? ORDER BY pageno')
    .pluck()
    .all(name, kind) as number[];
  db.close();
  return rows;
}

function pageSize(file: string): number {
  const n = readFileSync(file).readUInt16BE(16);
  return n === 1 ? 65536 : n;
}

/** Overwrite one page of a database file with bytes from a seeded generator (the same damage every run). */
export function scramblePage(file: string, pageno: number, seed = 1): void {
  const buf = readFileSync(file);
  const size = pageSize(file);
  let s = seed >>> 0;
  for (let i = (pageno - 1) * size; i < pageno * size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = s >>> 24;
  }
  writeFileSync(file, buf);
}

/**
 * Change index entries without breaking the page's structure: every `from` in one page becomes `to` (same
 * length), so the index no longer matches its table. quick_check passes such a file; integrity_check does not.
 */
export function rewriteInPage(file: string, pageno: number, from: string, to: string): number {
  const buf = readFileSync(file);
  const size = pageSize(file);
  const page = buf.subarray((pageno - 1) * size, pageno * size);
  let n = 0;
  for (let i = page.indexOf(from); i >= 0; i = page.indexOf(from, i + 1)) {
    page.write(to, i, 'latin1');
    n++;
  }
  writeFileSync(file, buf);
  return n;
}

/** Every file of a folder with its bytes, to prove a refused open changed nothing at all. */
export function folderBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    if (statSync(abs).isFile()) out[name] = readFileSync(abs).toString('base64');
  }
  return out;
}
