import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import path from 'node:path';
import { dragImage, launchChromium, ROOT, serve, shot, waitCanvas, waitSaved } from './harness';
import { check, tmpDir } from './util';

/** Label five images with the keyboard; the mouse only draws. */
async function keyboardFlow(): Promise<void> {
  const projectDir = path.join(tmpDir(), 'proj');
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'bin', 'ridge.cjs'), 'sample', projectDir, '--images', '6'],
    { stdio: 'ignore' },
  );
  // Start from unlabeled images: clear the generated boxes.
  const db = new Database(path.join(projectDir, 'project.ridge'));
  db.exec("DELETE FROM annotation; UPDATE image SET status = 'unlabeled'");
  db.close();
  const s = await serve(projectDir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Annotate'); // the overview is the landing page
    await waitCanvas(page);
    await page.waitForSelector('[data-testid="image-row"].on');
    const k = (key: string) => page.keyboard.press(key);
    // Image 1: two boxes, the second relabeled to class 3, mark reviewed.
    await dragImage(page, [10, 10], [80, 70]);
    await dragImage(page, [150, 100], [220, 180]);
    await k('3');
    await k('r');
    await k('d');
    // Image 2: copy boxes from image 1, delete one (Tab selects), next.
    await k('c');
    await k('Tab');
    await k('Delete');
    await k('d');
    // Image 3: a negative.
    await k('e');
    await k('ArrowRight');
    // Image 4: one box of class 2 (picked before drawing), flag it difficult.
    await k('2');
    await dragImage(page, [40, 40], [120, 120]);
    await k('h');
    await k('d');
    // Image 5: draw, undo, redo, then show the shortcuts overlay.
    await dragImage(page, [30, 30], [100, 90]);
    await k('Control+z');
    await k('Control+Shift+z');
    await k('?');
    await page.waitForSelector('[data-testid="shortcuts"]');
    await shot(page, '07-keyboard-shortcuts');
    await k('Escape');
    await waitSaved(page);
    await shot(page, '08-keyboard-done');
    const ro = new Database(path.join(projectDir, 'project.ridge'), { readonly: true });
    const rows = ro
      .prepare(
        `SELECT i.id, i.status, (SELECT count(*) FROM annotation a WHERE a.image_id = i.id) AS n,
           (SELECT group_concat(c.sort_order || ':' || a.difficult) FROM annotation a JOIN label_class c ON c.id = a.class_id WHERE a.image_id = i.id) AS cls
         FROM image i ORDER BY i.id LIMIT 5`,
      )
      .all() as { id: number; status: string; n: number; cls: string | null }[];
    ro.close();
    const got = rows.map((r) => `${r.status}/${r.n}`).join(' ');
    check(got === 'reviewed/2 labeled/1 empty/0 labeled/1 labeled/1', `statuses and counts: ${got}`);
    check(rows[0]!.cls!.split(',').sort().join() === '0:0,2:0', `classes on image 1: ${rows[0]!.cls}`);
    check(rows[3]!.cls === '1:1', `image 4 has class 2, difficult: ${rows[3]!.cls}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** Keyboard tests. */
export const TESTS = [
  { name: 'label five images with the keyboard (the mouse only draws)', run: keyboardFlow },
];
