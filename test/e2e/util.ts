import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './harness';

/** Fail a test with a readable message. */
export function check(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

/** Wait until a condition on stored state holds (writes land asynchronously), failing with `msg` after 10 s. */
export async function eventually(cond: () => boolean, msg: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  check(cond(), msg());
}

/** A fresh temp folder for one test. */
export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'ridge-e2e-'));
}

/** Image files of a generated sample project (to upload as a user would). */
export function sampleImages(n: number): string[] {
  const dir = path.join(tmpDir(), 'src');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'ridge.cjs'), 'sample', dir, '--images', String(n)],
    { stdio: 'ignore' },
  );
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(jpe?g|png)$/i.test(f)) out.push(p);
    }
  };
  walk(path.join(dir, 'images'));
  return out.sort();
}

/** Accepted boxes of an image as stored in SQLite, sorted (what a reload must show). */
export function storedBoxes(
  projectDir: string,
  imageId: number,
): { x: number; y: number; w: number; h: number; cls: string }[] {
  const db = new Database(path.join(projectDir, 'project.ridge'), { readonly: true });
  const rows = db
    .prepare(
      `SELECT a.x, a.y, a.w, a.h, c.name AS cls FROM annotation a JOIN label_class c ON c.id = a.class_id
       WHERE a.image_id = ? ORDER BY a.x, a.y`,
    )
    .all(imageId) as { x: number; y: number; w: number; h: number; cls: string }[];
  db.close();
  return rows;
}

/** Round and sort boxes so two lists can be compared. */
export function norm<T extends { x: number; y: number; w: number; h: number }>(bs: T[]) {
  return bs
    .map((b) => ({ x: +b.x.toFixed(3), y: +b.y.toFixed(3), w: +b.w.toFixed(3), h: +b.h.toFixed(3) }))
    .sort((a, b) => a.x - b.x || a.y - b.y);
}

/** The id of the image the workspace shows (the highlighted row). */
export async function currentImageId(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid="image-row"].on', 'data-image-id'));
}
