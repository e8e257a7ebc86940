import Database from 'better-sqlite3';
import path from 'node:path';
import {
  dragImage,
  launchChromium,
  serve,
  shot,
  shownBoxes,
  toScreen,
  waitCanvas,
  waitSaved,
} from './harness';
import { check, currentImageId, norm, sampleImages, storedBoxes, tmpDir } from './util';

// Page-side globals used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const window: unknown;
declare const document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };

const eq = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** Within one image pixel: a screen pointer maps to fractional image pixels at any zoom. */
const near = (a: number, b: number) => Math.abs(a - b) <= 1;

/** Create a project, import images by upload, draw/move/resize/undo/redo, reload: SQLite equals the screen. */
async function labelingFlow(): Promise<void> {
  const files = sampleImages(4);
  const projectDir = path.join(tmpDir(), 'proj');
  const s = await serve();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url);
    await page.fill('[aria-label="new project folder"]', projectDir);
    await page.fill('[aria-label="new project name"]', 'e2e');
    await shot(page, '01-home');
    await page.click('text=Create project');
    await page.waitForSelector('[data-testid="project-name"]:has-text("e2e")');

    await page.click('nav.tabs >> text=Dataset');
    await page.setInputFiles('[aria-label="import files"]', files);
    await page.click('[data-testid="import"] >> button:has-text("Import")');
    await page.waitForSelector('[data-testid="import-report"]', { timeout: 30_000 });
    const report = await page.textContent('[data-testid="import-report"]');
    check(report?.includes(`Imported ${files.length} images`), `import report: ${report}`);
    await shot(page, '02-imported');

    await page.click('nav.tabs >> text=Annotate');
    for (const name of ['cat', 'dog']) {
      await page.fill('[aria-label="new class name"]', name);
      await page.press('[aria-label="new class name"]', 'Enter');
      await page.waitForSelector(`[data-testid="class-row"]:has-text("${name}")`);
    }
    await page.waitForSelector('[data-testid="image-row"].on');
    await waitCanvas(page);
    const img1 = await currentImageId(page);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });

    // Three boxes of two classes: 1 picks cat, 2 picks dog for the next box.
    await page.keyboard.press('1');
    await dragImage(page, [20, 20], [90, 80]);
    await dragImage(page, [120, 30], [180, 100]);
    await page.keyboard.press('Escape');
    await page.keyboard.press('2');
    await dragImage(page, [200, 120], [300, 220]);
    await waitSaved(page);
    check((await shownBoxes(page)).length === 3, 'three boxes drawn');

    // Move the first box by (+10, +15) image px, resize the third with its bottom-right handle.
    await dragImage(page, [55, 50], [65, 65], 6);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });
    const third = (await shownBoxes(page)).find((b) => b.x > 190)!;
    const c = await toScreen(page, third.x + third.w / 2, third.y + third.h / 2);
    await page.mouse.click(c.x, c.y);
    await dragImage(
      page,
      [third.x + third.w, third.y + third.h],
      [third.x + third.w - 30, third.y + third.h - 20],
      6,
    );
    await waitSaved(page);
    const afterEdits = norm(await shownBoxes(page));
    check(
      afterEdits.some((b) => near(b.x, 30) && near(b.y, 35)),
      `moved box at 30,35: ${JSON.stringify(afterEdits)}`,
    );
    check(
      afterEdits.some((b) => near(b.x, 200) && near(b.w, 70) && near(b.h, 80)),
      `resized box: ${JSON.stringify(afterEdits)}`,
    );
    await shot(page, '03-three-boxes-edited');

    // Undo the resize, redo it.
    await page.keyboard.press('Control+z');
    await waitSaved(page);
    const undone = norm(await shownBoxes(page));
    check(
      undone.some((b) => near(b.x, 200) && near(b.w, 100) && near(b.h, 100)),
      `undo restored the size: ${JSON.stringify(undone)}`,
    );
    await page.keyboard.press('Control+Shift+z');
    await waitSaved(page);
    check(eq(norm(await shownBoxes(page)), afterEdits), 'redo re-applied the resize');

    // Switch images and back.
    await page.keyboard.press('d');
    await page.waitForFunction(
      (id) =>
        document.querySelector('[data-testid="image-row"].on')?.getAttribute('data-image-id') !== String(id),
      img1,
    );
    await page.keyboard.press('a');
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${img1}"]`);
    await waitSaved(page);
    const screen = norm(await shownBoxes(page));
    const stored = storedBoxes(projectDir, img1);
    check(
      eq(norm(stored), screen),
      `SQLite equals the screen before reload\n${JSON.stringify(stored)}\n${JSON.stringify(screen)}`,
    );
    check(
      stored.filter((b) => b.cls === 'cat').length === 2 &&
        stored.filter((b) => b.cls === 'dog').length === 1,
      'two classes',
    );

    await page.reload();
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${img1}"]`);
    await page.waitForFunction(
      (n) =>
        (window as unknown as { __ridgeCanvas: { boxes(): unknown[] } }).__ridgeCanvas?.boxes().length === n,
      3,
    );
    check(eq(norm(await shownBoxes(page)), screen), 'a reload shows exactly what was saved');
    await shot(page, '04-after-reload');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** The server refuses a write: the UI says so, retries, and the retry lands. */
/**
 * A write the services fail on (a bug: internal, not retryable) is given up and shown, the image is re-read so
 * the screen equals the store, and the next edit still lands: one failing write never blocks every later one.
 * (Retrying what is worth retrying, a lost link, is covered by the editor and transport tests.)
 */
async function failedSaveShown(): Promise<void> {
  const projectDir = path.join(tmpDir(), 'proj');
  const { execFileSync } = await import('node:child_process');
  execFileSync(
    process.execPath,
    [path.join(__dirname, '..', '..', 'bin', 'ridge.cjs'), 'sample', projectDir, '--images', '3'],
    { stdio: 'ignore' },
  );
  const s = await serve(projectDir);
  const browser = await launchChromium();
  const db = new Database(path.join(projectDir, 'project.ridge'));
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Annotate'); // the overview is the landing page
    await waitCanvas(page);
    await page.waitForSelector('[data-testid="image-row"].on');
    const img = await currentImageId(page);
    const before = storedBoxes(projectDir, img).length;
    const shownBefore = (await shownBoxes(page)).length;
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON annotation BEGIN SELECT RAISE(ABORT, 'broken'); END");
    await dragImage(page, [10, 10], [60, 60]);
    await page.waitForSelector('[data-testid="notice"]:has-text("Not saved")', { timeout: 10_000 });
    const text = await page.textContent('[data-testid="notice"]');
    check(/internal error: broken/.test(text ?? ''), `failure shown: ${text}`);
    await waitSaved(page);
    await shot(page, '05-save-refused');
    check(storedBoxes(projectDir, img).length === before, 'nothing stored');
    check((await shownBoxes(page)).length === shownBefore, 'the screen was re-read: the refused box is gone');
    db.exec('DROP TRIGGER refuse');
    await dragImage(page, [70, 70], [120, 120]);
    await waitSaved(page);
    check(storedBoxes(projectDir, img).length === before + 1, 'the next edit landed');
    await shot(page, '06-next-edit-saved');
  } finally {
    db.close();
    await browser.close();
    await s.stop();
  }
}

/** Tests of the labeling flow. */
export const TESTS = [
  {
    name: 'create, import, draw three boxes of two classes, move, resize, undo/redo, switch, reload',
    run: labelingFlow,
  },
  { name: 'a write the services fail on is shown, given up, and the next edit lands', run: failedSaveShown },
];
