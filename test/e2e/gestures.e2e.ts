import type { Page } from 'playwright-core';
import { shot, shownBoxes, toScreen, waitSaved } from './harness';
import { dbBoxes, FIXTURE, openImage, OUTER, studioPage } from './shared';
import { check } from './util';

// Page-side global used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const window: unknown;

type Probe = {
  draft(): { visible: boolean };
  labels(): { key: string; x: number; y: number; w: number; h: number }[];
  boxes(): { key: string; x: number; y: number; w: number; h: number }[];
  view(): { scale: number; x: number; y: number };
};
const probe = <T>(page: Page, fn: (p: Probe) => T): Promise<T> =>
  page.evaluate(
    (src) => new Function('p', `return (${src})(p)`)((window as { __ridgeCanvas: Probe }).__ridgeCanvas),
    fn.toString(),
  ) as Promise<T>;

const near = (a: number, b: number, tol = 1.5) => Math.abs(a - b) <= tol;

/** Centre of an element on screen. */
async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const b = (await page.locator(selector).first().boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/**
 * Pointer capture: a draw released over the image list is kept and nothing follows the pointer afterwards; a
 * move and a resize released over the class panel land; a middle-button drag on a box pans and edits nothing;
 * with Ctrl held a draw starts inside a box; a box's label has a background and follows it during a drag.
 */
async function gestures(): Promise<void> {
  const { s, page, errors } = await studioPage(1280, 720);
  try {
    await openImage(page, FIXTURE.gestures);
    await page.waitForFunction(() => (window as { __ridgeCanvas: Probe }).__ridgeCanvas.boxes().length === 1);
    const left = await centreOf(page, 'aside.side >> nth=0');
    const right = await centreOf(page, '[data-testid="classes"]');

    // 1. Draw from inside the image to over the image list; release there.
    const a = await toScreen(page, 30, 170);
    const bottom = await toScreen(page, 30, 215);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(bottom.x - 20, bottom.y, { steps: 4 });
    await page.mouse.move(left.x, bottom.y, { steps: 6 });
    await page.mouse.up();
    const c = await toScreen(page, 160, 200);
    await page.mouse.move(c.x, c.y, { steps: 4 });
    const drawn = (await shownBoxes(page)).find((b) => near(b.x, 0) && near(b.y, 170));
    check(
      drawn && near(drawn.w, 30) && near(drawn.h, 45),
      `box kept: ${JSON.stringify(await shownBoxes(page))}`,
    );
    check(
      !(await probe(page, (p) => p.draft().visible)),
      'no draft rectangle follows the pointer after release',
    );
    await waitSaved(page);
    check(
      dbBoxes(s, FIXTURE.gestures).some((b) => near(b.x, 0) && near(b.w, 30)),
      'the drawn box is stored',
    );

    // 1b. Released outside the window (right of the 1280 px viewport, past the class panel): kept too.
    const o = await toScreen(page, 300, 10);
    const o2 = await toScreen(page, 300, 30);
    await page.mouse.move(o.x, o.y);
    await page.mouse.down();
    await page.mouse.move(o.x + 10, o2.y, { steps: 3 });
    await page.mouse.move(1300, o2.y, { steps: 4 });
    await page.mouse.up();
    await page.mouse.move(c.x, c.y, { steps: 3 });
    check(!(await probe(page, (p) => p.draft().visible)), 'no draft after a release outside the window');
    check(
      (await shownBoxes(page)).some((b) => near(b.x, 300) && near(b.y, 10) && near(b.w, 20)),
      `box released outside the window kept: ${JSON.stringify(await shownBoxes(page))}`,
    );

    // 2. Middle-button drag starting on the outer box: the view pans, the box stays where it was.
    const view0 = await probe(page, (p) => p.view());
    const m = await toScreen(page, OUTER.x + 150, OUTER.y + 20);
    await page.mouse.move(m.x, m.y);
    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(m.x + 60, m.y + 30, { steps: 6 });
    await page.mouse.move(right.x, m.y + 30, { steps: 4 });
    await page.mouse.up({ button: 'middle' });
    const view1 = await probe(page, (p) => p.view());
    check(view1.x !== view0.x, `middle drag pans (${view0.x} -> ${view1.x})`);
    await page.mouse.move(c.x, c.y, { steps: 3 });
    const view2 = await probe(page, (p) => p.view());
    check(view2.x === view1.x && view2.y === view1.y, 'the pan ended on release over the panel');
    await waitSaved(page);
    const outer = dbBoxes(s, FIXTURE.gestures).find((b) => near(b.w, OUTER.w));
    check(
      outer && near(outer.x, OUTER.x) && near(outer.y, OUTER.y),
      `middle drag moved nothing: ${JSON.stringify(outer)}`,
    );
    await page.keyboard.press('f');

    // 3. Ctrl held: the status bar says so, and a drag inside the outer box draws a new box.
    await page.keyboard.down('Control');
    await page.waitForSelector('[data-testid="draw-over-hint"]');
    const i0 = await toScreen(page, 80, 70);
    const i1 = await toScreen(page, 130, 120);
    await page.mouse.move(i0.x, i0.y);
    await page.mouse.down();
    await page.mouse.move(i1.x, i1.y, { steps: 6 });
    await page.mouse.up();
    await shot(page, 'g-01-ctrl-draw-inside');
    await page.keyboard.up('Control');
    check(!(await page.$('[data-testid="draw-over-hint"]')), 'the hint goes when Ctrl is released');
    await waitSaved(page);
    const rows = dbBoxes(s, FIXTURE.gestures);
    check(
      rows.some((b) => near(b.x, 80) && near(b.y, 70) && near(b.w, 50)),
      `inner box drawn: ${JSON.stringify(rows)}`,
    );
    check(
      rows.some((b) => near(b.x, OUTER.x) && near(b.y, OUTER.y) && near(b.w, OUTER.w)),
      'outer box unchanged',
    );

    // 4. Drag the outer box (grabbed outside the inner one); mid-drag its label follows; release over the panel.
    const g = await toScreen(page, OUTER.x + 170, OUTER.y + 130);
    await page.mouse.move(g.x, g.y);
    await page.mouse.down();
    const scale = (await probe(page, (p) => p.view())).scale;
    await page.mouse.move(g.x + 10 * scale, g.y + 5 * scale, { steps: 5 });
    const mid = await probe(page, (p) => ({ boxes: p.boxes(), labels: p.labels() }));
    const moving = mid.boxes.find((b) => near(b.w, OUTER.w))!;
    const label = mid.labels.find((l) => l.key === moving.key);
    check(
      label && near(label.x, moving.x, 0.5),
      `label follows the dragged box: ${JSON.stringify({ moving, label })}`,
    );
    check(label.w > 0 && label.h > 0, 'the label has a background');
    await page.mouse.move(right.x, g.y + 5 * scale, { steps: 8 });
    await page.mouse.up();
    await waitSaved(page);
    // Dragged toward the panel, the box is clipped at the image's right edge: moved and stored.
    const moved = dbBoxes(s, FIXTURE.gestures).find((b) => near(b.h, OUTER.h) && near(b.y, OUTER.y + 5));
    check(
      moved && moved.x > OUTER.x + 5 && near(moved.x + moved.w, 320),
      `move released over the panel lands: ${JSON.stringify(dbBoxes(s, FIXTURE.gestures))}`,
    );

    // 5. Labels keep one on-screen size at any zoom.
    await page.mouse.move(c.x, c.y);
    const h1 = (await probe(page, (p) => p.labels()[0]!.h * p.view().scale)) as number;
    for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -120);
    await page.waitForTimeout(100);
    const h2 = (await probe(page, (p) => p.labels()[0]!.h * p.view().scale)) as number;
    check(near(h1, h2, 0.5), `label height on screen stays ${h1} px at any zoom (got ${h2})`);
    await shot(page, 'g-02-labels-zoomed');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Tests of canvas gestures. */
export const TESTS = [
  { name: 'gestures: release anywhere ends a drag, middle pans only, Ctrl draws over boxes', run: gestures },
];
