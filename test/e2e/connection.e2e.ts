import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { dragImage, launchChromium, ROOT, serve, type Served, shot, waitCanvas, waitSaved } from './harness';
import { check, currentImageId, tmpDir } from './util';

// Page-side global used inside page.waitForFunction callbacks (this file is type-checked without the DOM lib).
declare const window: unknown;

/** A port nobody listens on now, so a restarted `ridge serve` comes back on the same origin. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function boxesOf(dir: string, imageId: number): number {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  const n = (
    db.prepare('SELECT count(*) AS n FROM annotation WHERE image_id = ?').get(imageId) as { n: number }
  ).n;
  db.close();
  return n;
}

/** A 4-image sample project served on a fixed port, a page on it at 1280x720, ready to draw on an image. */
async function setUp(): Promise<{ dir: string; port: number; s: Served; browser: Browser; page: Page }> {
  const dir = path.join(tmpDir(), 'proj');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), 'sample', dir, '--images', '4'], {
    stdio: 'ignore',
  });
  const port = await freePort();
  const s = await serve(dir, { port });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(s.url);
    await page.waitForSelector('header[data-connection="connected"]');
    await page.click('nav.tabs >> text=Annotate');
    await page.waitForSelector('[data-testid="image-row"].on');
    await waitCanvas(page);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });
    await page.keyboard.press('1');
    return { dir, port, s, browser, page };
  } catch (err) {
    await browser.close();
    await s.stop();
    throw err;
  }
}

/** Stop the server: the header says offline within 5 s, and a box drawn then waits in the page. */
async function goOfflineAndDraw(page: Page, s: Served, from: [number, number]): Promise<void> {
  await s.stop();
  await page.waitForSelector('header[data-connection="offline"]', { timeout: 5_000 });
  const header = (await page.textContent('header.topbar')) ?? '';
  check(header.includes('Offline'), `the header says Offline: ${header}`);
  await dragImage(page, from, [from[0] + 40, from[1] + 30]);
  await page.waitForSelector('[data-testid="save-status"][data-state="offline"]');
  const status = (await page.textContent('[data-testid="save-status"]')) ?? '';
  check(/^1 edit waiting/.test(status.trim()), `the save status counts the queued edit: ${status}`);
}

/**
 * The server stops: "offline" within 5 s, a box drawn meanwhile is queued; the server restarts on the same
 * project (same token by default): the page reconnects by itself and the box is stored exactly once.
 */
async function offlineEditSavedOnceWhenBack(): Promise<void> {
  const { dir, port, s, browser, page } = await setUp();
  let served = s;
  try {
    const img = await currentImageId(page);
    const before = boxesOf(dir, img);
    await shot(page, 'conn-connected-1280');
    await goOfflineAndDraw(page, served, [10, 10]);
    await shot(page, 'conn-offline-1280');
    // D (next image) while offline: the canvas says the image could not be loaded, never a silent black area.
    await page.keyboard.press('d');
    await page.waitForSelector('[data-testid="image-failed"]');
    await page.waitForSelector('[data-testid="offline-banner"]');
    await shot(page, 'conn-offline-next-image-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'conn-offline-1440');
    check(boxesOf(dir, img) === before, 'nothing stored while the server is down');
    served = await serve(dir, { port });
    check(served.token === s.token, 'a restarted ridge serve on the same project reuses its token');
    await page.waitForSelector('header[data-connection="connected"]', { timeout: 15_000 });
    await waitSaved(page);
    check(boxesOf(dir, img) === before + 1, `stored once: ${boxesOf(dir, img)} boxes, had ${before}`);
    // The image that could not be loaded loads by itself once the server is back.
    await page.waitForSelector('[data-testid="image-failed"]', { state: 'detached' });
    await shot(page, 'conn-back-1440');
  } finally {
    await browser.close();
    await served.stop();
  }
}

/**
 * A reload while the server is down (it warns first: unsaved edits) keeps the queued box in IndexedDB; when the
 * server is back the reopened page stores it once. A server restarted with --new-token refuses the page's token:
 * the header says so and a page says how to get the new URL.
 */
async function reloadWhileOfflineKeepsEditThenNewTokenRefused(): Promise<void> {
  const { dir, port, s, browser, page } = await setUp();
  let served = s;
  try {
    const img = await currentImageId(page);
    const before = boxesOf(dir, img);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });
    await goOfflineAndDraw(page, served, [20, 20]);
    await page.reload().catch(() => undefined); // the server is down: the reload itself fails
    check(dialogs.includes('beforeunload'), `leaving with unsaved edits warns: ${dialogs.join(', ')}`);
    served = await serve(dir, { port });
    await page.goto(served.url);
    await page.waitForSelector('header[data-connection="connected"]', { timeout: 15_000 });
    await waitSaved(page);
    await page.waitForFunction(
      () => (window as { __ridgeJournal?: () => number }).__ridgeJournal?.() === 0,
      undefined,
      { timeout: 15_000 },
    );
    check(boxesOf(dir, img) === before + 1, `stored once: ${boxesOf(dir, img)} boxes, had ${before}`);

    await served.stop();
    served = await serve(dir, { port, args: ['--new-token'] });
    check(served.token !== s.token, '--new-token makes a fresh token');
    await page.waitForSelector('header[data-connection="token-refused"]', { timeout: 15_000 });
    const refused = (await page.textContent('[data-testid="token-refused"]')) ?? '';
    check(/ridge serve/.test(refused) && /URL/.test(refused), `the refused page says what to do: ${refused}`);
    await shot(page, 'conn-token-refused-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'conn-token-refused-1440');
  } finally {
    await browser.close();
    await served.stop();
  }
}

/** The tests of this file, run by test/e2e/run.ts. */
export const TESTS = [
  {
    name: 'connection: offline within 5 s, queued edit stored once when the server is back',
    run: offlineEditSavedOnceWhenBack,
  },
  {
    name: 'connection: reload while offline keeps the edit; --new-token shows the token refused page',
    run: reloadWhileOfflineKeepsEditThenNewTokenRefused,
  },
];
