import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { shot, waitSaved } from './harness';
import { dbBoxes, FIXTURE, openImage, studioPage, type SharedStudio } from './shared';
import { check, currentImageId } from './util';

// Page-side globals used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const window: { innerHeight: number; innerWidth: number };

/** Names of the image rows in list order. */
async function rowNames(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="image-row"]', (els) =>
    els
      .map((e) => ({
        top: parseFloat((e as unknown as { style: { top: string } }).style.top),
        name: e.getAttribute('data-name') ?? '',
      }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.name),
  );
}

/** Box counts per image as a row reads them ("n box(es)"), against SQLite. */
async function rowCountsMatch(page: Page, s: SharedStudio): Promise<string[]> {
  const rows = await page.$$eval('[data-testid="image-row"]', (els) =>
    els.map((e) => ({ id: Number(e.getAttribute('data-image-id')), text: e.textContent ?? '' })),
  );
  const wrong: string[] = [];
  for (const r of rows) {
    const n = dbBoxes(s, r.id).length;
    const m = /(\d+) box/.exec(r.text);
    if (!m || Number(m[1]) !== n) wrong.push(`image ${r.id}: row says "${r.text}", stored ${n}`);
  }
  return wrong;
}

/** The overview is the landing page; its figures equal SQLite; a click on an image opens it in Annotate. */
async function overview(): Promise<void> {
  const { s, page, errors } = await studioPage(1440, 900);
  try {
    await page.waitForSelector('[data-testid="overview"]');
    const db = s.db();
    const images = (db.prepare('SELECT count(*) AS n FROM image').get() as { n: number }).n;
    const head = (await page.textContent('[data-testid="ov-images"]')) ?? '';
    check(head.includes(`${images} images`), `images: ${head}`);
    const perSplit = db
      .prepare(
        `SELECT c.name, i.split, count(*) AS n FROM annotation a JOIN image i ON i.id = a.image_id
         JOIN label_class c ON c.id = a.class_id WHERE a.state = 'accepted' GROUP BY c.name, i.split`,
      )
      .all() as { name: string; split: string; n: number }[];
    for (const r of perSplit) {
      const cell = await page.textContent(
        `[data-testid="ov-class-split"] tr[data-class="${r.name}"] td[data-split="${r.split}"]`,
      );
      check(Number(cell) === r.n, `${r.name}/${r.split}: shown ${cell}, stored ${r.n}`);
    }
    check((await page.$$('[data-testid="ov-size-hist"] rect.bar')).length > 1, 'box size histogram');
    check((await page.$$('[data-testid="ov-aspect-hist"] rect.bar')).length > 1, 'aspect histogram');
    const noBoxes = (
      db
        .prepare(
          "SELECT count(*) AS n FROM image i WHERE NOT EXISTS (SELECT 1 FROM annotation a WHERE a.image_id = i.id AND a.state = 'accepted')",
        )
        .get() as { n: number }
    ).n;
    const nb = (await page.textContent('[data-testid="ov-no-boxes"]')) ?? '';
    check(nb.includes(`${noBoxes} image`), `images without boxes: ${nb} (stored ${noBoxes})`);
    const leaks = (await page.textContent('[data-testid="ov-leaks"]')) ?? '';
    check(leaks.includes('copy-of-2.jpg') && leaks.includes('test'), `leakage named: ${leaks}`);
    await shot(page, 'o-01-overview-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await shot(page, 'o-02-overview-1280');
    await page.click('[data-testid="ov-leaks"] >> text=copy-of-2.jpg');
    await page.waitForSelector('[data-testid="image-row"].on');
    const id = await currentImageId(page);
    check(
      String((db.prepare('SELECT path FROM image WHERE id = ?').get(id) as { path: string }).path).endsWith(
        'copy-of-2.jpg',
      ),
      'opened in Annotate',
    );
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Natural sort and search; change an image's split; remove and restore an image (undoable, file kept). */
async function listSortSplitRemove(): Promise<void> {
  const { s, page, errors } = await studioPage(1280, 720);
  const db = s.db();
  try {
    await page.click('nav.tabs >> text=Annotate');
    await page.waitForSelector('[data-testid="image-row"]');
    await page.fill('[aria-label="search file names"]', 'raccoon');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-row"]').length === 4);
    const names = await rowNames(page);
    check(
      names.join() === 'raccoon-1.jpg,raccoon-2.jpg,raccoon-10.jpg,raccoon-100.jpg',
      `natural order: ${names}`,
    );
    const r2 = FIXTURE.raccoons[3];
    await page.click(`[data-testid="image-row"][data-image-id="${r2}"]`);
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${r2}"]`);
    const split0 = (db.prepare('SELECT split FROM image WHERE id = ?').get(r2) as { split: string }).split;
    const other = split0 === 'test' ? 'val' : 'test';
    await page.selectOption('[aria-label="image split"]', other);
    await waitSaved(page);
    const split = () =>
      (db.prepare('SELECT split FROM image WHERE id = ?').get(r2) as { split: string }).split;
    check(split() === other, `split changed to ${other}: ${split()}`);
    check(
      ((await page.textContent(`[data-testid="image-row"][data-image-id="${r2}"]`)) ?? '').includes(other),
      'the row shows it',
    );
    await page.keyboard.press('Control+z');
    await waitSaved(page);
    check(split() === split0, 'undo restores the split');

    // Remove: the row goes, the file and boxes stay; undo brings it back.
    const file = (db.prepare('SELECT path FROM image WHERE id = ?').get(r2) as { path: string }).path;
    const boxes = dbBoxes(s, r2).length;
    await page.click('[data-testid="remove-image"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-row"]').length === 3);
    await waitSaved(page);
    const removed = () =>
      (db.prepare('SELECT removed_at FROM image WHERE id = ?').get(r2) as { removed_at: string | null })
        .removed_at;
    check(removed() !== null, 'marked removed');
    check(existsSync(path.join(s.dir, file)) && dbBoxes(s, r2).length === boxes, 'file and boxes kept');
    await shot(page, 's-01-removed');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-row"]').length === 4);
    await waitSaved(page);
    check(removed() === null, 'undo restores it');
    // Remove again, find it under the Removed filter, restore it from there.
    await page.click(`[data-testid="image-row"][data-image-id="${r2}"]`);
    await page.click('[data-testid="remove-image"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="image-row"]').length === 3);
    await page.fill('[aria-label="search file names"]', '');
    await page.click('[data-testid="filters"] >> text=Removed');
    await page.waitForSelector(`[data-testid="image-row"][data-image-id="${r2}"]`);
    await page.click(`[data-testid="image-row"][data-image-id="${r2}"]`);
    await page.click('[data-testid="restore-image"]');
    await waitSaved(page);
    check(removed() === null, 'restored from the Removed filter');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Class keys stay; every image row reads right after deleting or merging a class, without a reload. */
async function classesKeepKeysAndCounts(): Promise<void> {
  const { s, page, errors } = await studioPage(1440, 900);
  const db = s.db();
  const keys = async () =>
    page.$$eval('[data-testid="class-row"]', (els) =>
      els.map(
        (e) => `${e.querySelector('.key')?.textContent ?? ''}:${e.querySelector('.nm')?.textContent ?? ''}`,
      ),
    );
  const act = async (name: string, title: string) => {
    const row = page.locator(`[data-testid="class-row"]:has-text("${name}")`);
    await row.hover();
    await row.locator(`button[title="${title}"]`).click();
  };
  try {
    await openImage(page, FIXTURE.oneBox);
    await page.waitForSelector('[data-testid="class-row"]');
    const before = await keys();
    // An empty class: create, delete; nothing else changes.
    await page.fill('[aria-label="new class name"]', 'kite');
    await page.press('[aria-label="new class name"]', 'Enter');
    await page.waitForSelector('[data-testid="class-row"]:has-text("kite")');
    await act('kite', 'delete');
    await page.click('.dialog button:has-text("Delete class")');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="class-row"]').length === n,
      before.length,
    );
    await waitSaved(page);
    await page.waitForTimeout(500);
    let wrong = await rowCountsMatch(page, s);
    check(wrong.length === 0, `rows after deleting an empty class:\n${wrong.join('\n')}`);
    // Delete square (key 2): triangle keeps 3, and 3 picks triangle.
    const squareBoxes = () =>
      (
        db
          .prepare(
            "SELECT count(*) AS n FROM annotation a JOIN label_class c ON c.id = a.class_id WHERE c.name = 'square'",
          )
          .get() as { n: number }
      ).n;
    const squares = squareBoxes();
    await act('square', 'delete');
    await page.click('.dialog button:has-text("Delete class")');
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll('[data-testid="class-row"] .nm')].some(
          (e) => e.textContent === 'square',
        ),
    );
    await waitSaved(page);
    await page.waitForTimeout(500);
    const after = await keys();
    check(
      after.join() === before.filter((k) => !k.endsWith(':square')).join(),
      `keys kept: ${before} -> ${after}`,
    );
    wrong = await rowCountsMatch(page, s);
    check(wrong.length === 0, `rows after deleting a class:\n${wrong.join('\n')}`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('3');
    await waitSaved(page);
    const tri = (db.prepare("SELECT id FROM label_class WHERE name = 'triangle'").get() as { id: number }).id;
    check(
      dbBoxes(s, FIXTURE.oneBox).every((b) => b.cls === tri),
      'key 3 still picks triangle',
    );
    // Merge ring into circle: rows right, keys kept; undo brings ring back.
    await act('ring', 'merge into…');
    await page.selectOption('[aria-label="merge target"]', { label: 'circle' });
    await page.click('.dialog button:has-text("Merge")');
    await page.waitForFunction(
      () =>
        ![...document.querySelectorAll('[data-testid="class-row"] .nm')].some(
          (e) => e.textContent === 'ring',
        ),
    );
    await waitSaved(page);
    await page.waitForTimeout(500);
    wrong = await rowCountsMatch(page, s);
    check(wrong.length === 0, `rows after a merge:\n${wrong.join('\n')}`);
    // A new class takes the free key 2; undoing the delete of square must not fail on the taken key.
    await page.fill('[aria-label="new class name"]', 'kite');
    await page.press('[aria-label="new class name"]', 'Enter');
    await page.waitForSelector('[data-testid="class-row"]:has-text("kite")');
    check((await keys()).includes('2:kite'), `kite takes the free key 2: ${await keys()}`);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z'); // undo merge
    await page.keyboard.press('Control+z'); // undo the relabel
    await page.keyboard.press('Control+z'); // undo delete square
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="class-row"] .nm')].some((e) => e.textContent === 'square'),
    );
    await waitSaved(page);
    const notice = await page.$('[data-testid="notice"]');
    check(!notice, `no error notice: ${await notice?.textContent()}`);
    check(
      squareBoxes() === squares && squares > 0,
      `square is back with its ${squares} boxes: ${squareBoxes()}`,
    );
    // Renumber: keys follow the list order again.
    await page.click('[data-testid="renumber-classes"]');
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[data-testid="class-row"] .key')].map((e) => e.textContent).join() ===
        '1,2,3,4,5,6,7',
    );
    await shot(page, 's-02-classes');
    wrong = await rowCountsMatch(page, s);
    check(wrong.length === 0, `rows after undo:\n${wrong.join('\n')}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Train panel help, one lambda format, layout (no dead band, selects wide enough, progress in view). */
async function trainPanel(): Promise<void> {
  const { page, errors } = await studioPage(1280, 720);
  try {
    await page.click('nav.tabs >> text=Train');
    await page.waitForSelector('[data-testid="preflight"]');
    const band = await page.$eval('.training', (e) => window.innerHeight - e.getBoundingClientRect().bottom);
    check(Math.abs(band) < 1, `no dead band under Train: ${band} px`);
    await page.click('.advanced summary');
    const helps: Record<string, RegExp> = { l2: /Adam/, wd: /decoupled/i, l1: /zero/, dropout: /rate/i };
    for (const [mode, re] of Object.entries(helps)) {
      await page.selectOption('[aria-label="Regularization"]', mode);
      const h = (await page.textContent('[data-testid="reg-help"]')) ?? '';
      check(re.test(h) && /\d/.test(h), `${mode} help: ${h}`);
      const v = await page.inputValue('[aria-label="Strength λ"], [aria-label="Dropout rate"]');
      const fmt = mode === 'dropout' ? /^0\.\d+$/ : /^\d(\.\d+)?e-\d+$/;
      check(fmt.test(v), `${mode} lambda shown as ${v}`);
    }
    await page.selectOption('[aria-label="Regularization"]', 'l2');
    await page.fill('[aria-label="Strength λ"]', '0.0001');
    await page.press('[aria-label="Strength λ"]', 'Tab');
    check((await page.inputValue('[aria-label="Strength λ"]')) === '1e-4', 'typed 0.0001 reads 1e-4');
    await page.selectOption('[aria-label="Backbone"]', 'mobilenetv2');
    const fits = await page.$eval('[aria-label="Backbone"]', (e) => {
      const el = e as unknown as {
        clientWidth: number;
        ownerDocument: {
          createElement(t: string): {
            getContext(c: string): { font: string; measureText(t: string): { width: number } };
          };
        };
      };
      const ctx = el.ownerDocument.createElement('canvas').getContext('2d');
      ctx.font = '13px system-ui';
      return el.clientWidth - 24 >= ctx.measureText('mobilenetv2').width;
    });
    check(fits, 'the Backbone select shows "mobilenetv2" whole');
    await shot(page, 't-01-train-advanced-1280');
    // Press Train from the bottom of the Advanced section: the progress panel stays in view.
    await page.selectOption('[aria-label="Backbone"]', 'scratch');
    await page.fill('[aria-label="Epochs"]', '1');
    await page.fill('[aria-label="Image size (px)"]', '64');
    await page.locator('[data-testid="train"]').scrollIntoViewIfNeeded();
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="queue-bar"]', { timeout: 30_000 });
    const live = (await page.locator('[data-testid="live"]').boundingBox())!;
    check(live.y >= 0 && live.y < 720 - 40, `progress panel in view: top ${live.y}`);
    await shot(page, 't-02-train-pressed-1280');
    await page.click('[data-testid="live"] >> text=Cancel').catch(() => undefined);
    await page.waitForSelector('[data-testid="queue-idle"]', { timeout: 60_000 });
    await page.click('nav.tabs >> text=Experiments');
    await page.waitForTimeout(500);
    const band2 = await page.$eval(
      '.experiments',
      (e) => window.innerHeight - e.getBoundingClientRect().bottom,
    );
    check(Math.abs(band2) < 1, `no dead band under Experiments: ${band2} px`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Small things: plurals, field widths, the duplicate class message. */
async function smallThings(): Promise<void> {
  const { page, errors } = await studioPage(1280, 720);
  try {
    await openImage(page, FIXTURE.oneBox);
    const status = (await page.textContent('[data-testid="box-count"]')) ?? '';
    check(status === '1 box', `status line: ${status}`);
    await page.fill('[aria-label="new class name"]', 'circle');
    await page.press('[aria-label="new class name"]', 'Enter');
    await page.waitForSelector('[data-testid="notice"]');
    const n = (await page.textContent('[data-testid="notice"]')) ?? '';
    check(/already exists/.test(n) && !/re-read/.test(n), `duplicate class: ${n}`);
    await page.click('nav.tabs >> text=Dataset');
    const pick = await page.$eval(
      '[aria-label="import files"]',
      (e) => (e as unknown as { clientWidth: number }).clientWidth,
    );
    check(pick >= 200, `file picker wide enough for its caption: ${pick}px`);
    await page.click('text=Projects');
    await page.waitForSelector('[aria-label="new project folder"]');
    const w = await page.$eval(
      '[aria-label="new project folder"]',
      (e) => (e as unknown as { clientWidth: number }).clientWidth,
    );
    check(w >= 200, `folder input shows its placeholder: ${w}px`);
    await shot(page, 's-03-home-1280');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

// Page-side global used in waitForFunction callbacks.
declare const document: {
  querySelector(s: string): unknown;
  querySelectorAll(
    s: string,
  ): ArrayLike<{ textContent: string | null }> & Iterable<{ textContent: string | null }>;
};

/** Studio tests on the shared project (the class test runs last: it changes classes). */
export const TESTS = [
  { name: 'overview is the landing page and equals the store', run: overview },
  { name: 'image list: natural sort, search, split change, remove and restore', run: listSortSplitRemove },
  { name: 'train panel: help per mode, one lambda format, layout', run: trainPanel },
  { name: 'small things: plurals, field widths, duplicate class message', run: smallThings },
  { name: 'classes: keys stay and every row reads right after delete/merge', run: classesKeepKeysAndCounts },
];
