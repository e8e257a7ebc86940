import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, serve, type Served, waitCanvas } from './harness';
import { tmpDir } from './util';

/** One sample project, one `ridge serve` and one Chromium shared by the studio tests (each test opens a page). */
export interface SharedStudio {
  dir: string;
  served: Served;
  browser: Browser;
  /** A read-write handle on the project database (for checks; the server writes through its own). */
  db(): Database.Database;
}

/** Image ids the tests arrange in set-up. */
export const FIXTURE = {
  /** No boxes but one known outer box (gestures). */
  gestures: 3,
  /** Pending predictions (review). */
  predsA: 6,
  predsB: 7,
  /** Object list (hide, lock, delete). */
  objects: 9,
  /** One box (plural check). */
  oneBox: 1,
  /** Renamed to raccoon-1, -10, -100, -2 (natural sort). */
  raccoons: [20, 21, 22, 23] as const,
  /** A copy of image 2's file stored again in the test split (leakage). */
  leakOf: 2,
};

/** The outer box of the gestures image, in image pixels. */
export const OUTER = { x: 50, y: 40, w: 200, h: 150 };

let current: Promise<SharedStudio> | null = null;

function arrange(dir: string): void {
  const db = new Database(path.join(dir, 'project.ridge'));
  const now = new Date().toISOString();
  const insert = db.prepare(
    `INSERT INTO annotation (image_id, class_id, x, y, w, h, source, score, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare('DELETE FROM annotation WHERE image_id IN (?, ?, ?, ?)').run(
      FIXTURE.gestures,
      FIXTURE.predsA,
      FIXTURE.predsB,
      FIXTURE.objects,
    );
    const b = OUTER;
    insert.run(FIXTURE.gestures, 1, b.x, b.y, b.w, b.h, 'manual', null, 'accepted', now, now);
    for (const [img, cls, score, x] of [
      [FIXTURE.predsA, 1, 0.95, 10],
      [FIXTURE.predsA, 2, 0.75, 80],
      [FIXTURE.predsA, 1, 0.45, 150],
      [FIXTURE.predsA, 2, 0.15, 220],
      [FIXTURE.predsB, 1, 0.85, 10],
      [FIXTURE.predsB, 3, 0.55, 100],
      [FIXTURE.predsB, 1, 0.25, 200],
    ] as const)
      insert.run(img, cls, x, 60, 50, 50, 'predicted', score, 'pending', now, now);
    for (const [cls, x] of [
      [1, 20],
      [2, 120],
      [3, 220],
    ] as const)
      insert.run(FIXTURE.objects, cls, x, 50, 60, 80, 'manual', null, 'accepted', now, now);
    db.prepare("UPDATE image SET status = 'labeled' WHERE id IN (?, ?, ?)").run(
      FIXTURE.gestures,
      FIXTURE.objects,
      FIXTURE.predsA,
    );
    db.prepare("UPDATE image SET status = 'unlabeled' WHERE id = ?").run(FIXTURE.predsB);
    // Natural sort: files named raccoon-1, raccoon-10, raccoon-100, raccoon-2 (ids in that order).
    FIXTURE.raccoons.forEach((id, i) => {
      const row = db.prepare('SELECT path FROM image WHERE id = ?').get(id) as { path: string };
      const to = `images/raccoon-${['1', '10', '100', '2'][i]}.jpg`;
      renameSync(path.join(dir, row.path), path.join(dir, to));
      db.prepare('UPDATE image SET path = ? WHERE id = ?').run(to, id);
    });
    // Leakage: the same content again, in the test split.
    const src = db.prepare('SELECT * FROM image WHERE id = ?').get(FIXTURE.leakOf) as Record<string, unknown>;
    copyFileSync(path.join(dir, String(src.path)), path.join(dir, 'images', 'copy-of-2.jpg'));
    db.prepare(
      `INSERT INTO image (sha256, path, linked, width, height, split, status, created_at)
       VALUES (?, 'images/copy-of-2.jpg', 0, ?, ?, 'test', 'unlabeled', ?)`,
    ).run(src.sha256, src.width, src.height, now);
  })();
  db.close();
}

/** The shared studio, made on first use: a 24-image sample arranged for the tests, served, Chromium up. */
export function sharedStudio(): Promise<SharedStudio> {
  current ??= (async () => {
    const dir = path.join(tmpDir(), 'proj');
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), 'sample', dir, '--images', '24'], {
      stdio: 'ignore',
    });
    arrange(dir);
    const served = await serve(dir);
    const browser = await launchChromium();
    let handle: Database.Database | null = null;
    return {
      dir,
      served,
      browser,
      db: () => (handle ??= new Database(path.join(dir, 'project.ridge'))),
    };
  })();
  return current;
}

/** Stop the shared server and browser (the runner calls this after the last test). */
export async function closeSharedStudio(): Promise<void> {
  if (!current) return;
  const s = await current;
  current = null;
  s.db().close();
  await s.browser.close();
  await s.served.stop();
}

/** A fresh page on the shared studio at a viewport size; page errors are collected into `errors`. */
export async function studioPage(
  width = 1440,
  height = 900,
): Promise<{ s: SharedStudio; page: Page; errors: string[] }> {
  const s = await sharedStudio();
  const page = await s.browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(s.served.url);
  await page.waitForSelector('[data-testid="project-name"]');
  return { s, page, errors };
}

/** Go to Annotate and open one image by id (its row is clicked, as a person would). */
export async function openImage(page: Page, id: number): Promise<void> {
  await page.click('nav.tabs >> text=Annotate');
  const row = page.locator(`[data-testid="image-row"][data-image-id="${id}"]`);
  await page.waitForSelector('[data-testid="image-row"]');
  // The list is virtual: scroll until the row exists.
  for (let i = 0; i < 40 && !(await row.count()); i++)
    await page.locator('[data-testid="image-list"]').evaluate((el: { scrollTop: number }) => {
      el.scrollTop += 300;
    });
  await row.scrollIntoViewIfNeeded();
  await row.click();
  await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${id}"]`);
  await waitCanvas(page);
}

/** Rows of the stored boxes of an image (all states), by position. */
export function dbBoxes(
  s: SharedStudio,
  imageId: number,
): {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
  cls: number;
  state: string;
  score: number | null;
}[] {
  return s
    .db()
    .prepare(
      `SELECT id, x, y, w, h, class_id AS cls, state, score FROM annotation WHERE image_id = ? ORDER BY x, y`,
    )
    .all(imageId) as ReturnType<typeof dbBoxes>;
}
