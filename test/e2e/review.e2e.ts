import type { Page } from 'playwright-core';
import { shot, shownBoxes, toScreen, waitSaved } from './harness';
import { dbBoxes, FIXTURE, openImage, studioPage, type SharedStudio } from './shared';
import { check, currentImageId, eventually } from './util';

const pendingScores = (s: SharedStudio, ...ids: number[]) =>
  ids
    .flatMap((id) => dbBoxes(s, id))
    .filter((b) => b.state === 'pending')
    .map((b) => b.score)
    .sort();

/** Click a bulk button and wait for its result line (the n-th one) and the writes to land. */
async function bulk(page: Page, testId: string, n: number): Promise<string> {
  await page.click(`[data-testid="${testId}"]`);
  await page.waitForSelector(`[data-testid="review-result"][data-n="${n}"]`);
  await waitSaved(page);
  return (await page.textContent('[data-testid="review-result"]')) ?? '';
}

async function selectedText(page: Page): Promise<string> {
  return (await page.textContent('[data-testid="selection"]')) ?? '';
}

/**
 * Reviewing predictions: Enter/X with nothing selected select the best pending box (nothing is accepted unseen);
 * Enter/X act on the selected one and move on; ] and [ walk pending boxes across images; accept all at or above
 * a score, reject all below, per class, undoable in one step.
 */
async function review(): Promise<void> {
  const { s, page, errors } = await studioPage(1440, 900);
  const { predsA: A, predsB: B } = FIXTURE;
  try {
    await openImage(page, A);
    await page.click('[data-testid="filters"] >> text=Predictions');
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${A}"]`);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });

    // Enter with nothing selected: selects the 95% box, accepts nothing.
    await page.keyboard.press('Enter');
    check(
      (await selectedText(page)).includes('prediction 95%'),
      `Enter selects the best: ${await selectedText(page)}`,
    );
    await waitSaved(page);
    check(pendingScores(s, A).length === 4, 'nothing accepted unseen');
    const notice = (await page.textContent('[data-testid="review-hint"]')) ?? '';
    check(/Enter/.test(notice) && /accept/.test(notice), `what Enter does is shown: ${notice}`);
    // Enter accepts the selected one and selects the next; X rejects it.
    await page.keyboard.press('Enter');
    check(
      (await selectedText(page)).includes('prediction 75%'),
      `next pending selected: ${await selectedText(page)}`,
    );
    await page.keyboard.press('x');
    check((await selectedText(page)).includes('prediction 45%'), 'after X, the next one');
    await waitSaved(page);
    check(JSON.stringify(pendingScores(s, A)) === JSON.stringify([0.15, 0.45]), `A: ${pendingScores(s, A)}`);
    check(
      dbBoxes(s, A).some((b) => b.score === 0.95 && b.state === 'accepted'),
      '95% accepted',
    );

    // ] walks on: 15% here, then the next image's best; [ walks back.
    await page.keyboard.press(']');
    check((await selectedText(page)).includes('prediction 15%'), 'next pending: 15%');
    await page.keyboard.press(']');
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${B}"]`);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="selection"]')?.textContent?.includes('85%'),
    );
    await page.keyboard.press('[');
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${A}"]`);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="selection"]')?.textContent?.includes('15%'),
    );

    // Bulk, every image: accept >= 0.5, then reject < 0.5; undo brings the rejected back.
    await page.selectOption('[aria-label="review scope"]', 'all');
    await page.fill('[aria-label="score threshold"]', '0.5');
    await shot(page, 'r-01-review-panel');
    check((await bulk(page, 'accept-above', 1)).includes('Accepted 2 predictions'), 'result line');
    check(
      JSON.stringify(pendingScores(s, A, B)) === JSON.stringify([0.15, 0.25, 0.45]),
      `after accept: ${pendingScores(s, A, B)}`,
    );
    await bulk(page, 'reject-below', 2);
    check(pendingScores(s, A, B).length === 0, `after reject: ${pendingScores(s, A, B)}`);
    await page.keyboard.press('Control+z');
    await eventually(
      () => pendingScores(s, A, B).length === 3,
      () => `undo of the bulk reject: ${pendingScores(s, A, B)}`,
    );

    // Per class: accept every circle (class 1) at any score.
    await page.selectOption('[aria-label="review class"]', { label: 'circle' });
    await page.fill('[aria-label="score threshold"]', '0');
    await bulk(page, 'accept-above', 3);
    check(
      JSON.stringify(pendingScores(s, A, B)) === JSON.stringify([0.15]),
      `per class: ${pendingScores(s, A, B)}`,
    );
    check((await currentImageId(page)) > 0, 'an image stays open');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** The per-image object list: select, hide, lock, delete. */
async function objectList(): Promise<void> {
  const { s, page, errors } = await studioPage(1280, 720);
  try {
    await openImage(page, FIXTURE.objects);
    await page.waitForSelector('[data-testid="object-row"]');
    const rows = page.locator('[data-testid="object-row"]');
    check((await rows.count()) === 3, `three objects listed: ${await rows.count()}`);
    check(((await rows.nth(1).textContent()) ?? '').includes('square'), 'rows name their class');
    await rows.nth(1).click();
    check((await selectedText(page)).includes('accepted'), 'a click selects the box');
    // Hide the first: the canvas no longer shows it.
    await rows.nth(0).locator('[aria-label="hide"]').click();
    check((await shownBoxes(page)).length === 2, 'hidden box not drawn');
    // Lock the third: a drag on it moves nothing (it draws a new box instead).
    await rows.nth(2).locator('[aria-label="lock"]').click();
    const from = await toScreen(page, 240, 90);
    const to = await toScreen(page, 270, 120);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 6 });
    await page.mouse.up();
    await waitSaved(page);
    const third = dbBoxes(s, FIXTURE.objects).find((b) => b.cls === 3)!;
    check(third.x === 220 && third.y === 50, `locked box did not move: ${JSON.stringify(third)}`);
    await shot(page, 'r-02-object-list');
    // Delete the second from its row.
    await rows.nth(1).locator('[aria-label="delete box"]').click();
    await waitSaved(page);
    check(!dbBoxes(s, FIXTURE.objects).some((b) => b.cls === 2), 'deleted from its row');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

// Page-side global used in waitForFunction callbacks.
declare const document: { querySelector(s: string): { textContent: string | null } | null };

/** Tests of reviewing predictions and the object list. */
export const TESTS = [
  {
    name: 'review predictions: Enter/X on nothing selects, ] and [ walk, bulk by score and class',
    run: review,
  },
  { name: 'object list: select, hide, lock, delete', run: objectList },
];
