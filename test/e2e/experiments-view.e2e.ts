import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ROOT, serve, type Served, shot } from './harness';
import { check, tmpDir } from './util';

// Page-side global used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const localStorage: { clear(): void };

/** A sample project with real tiny runs made by the CLI: none and l2=1e-4 at 64 px (2 seeds), one l2 at 96 px. */
interface ExpFixture {
  dir: string;
  served: Served;
  browser: Browser;
}

let fixture: Promise<ExpFixture> | null = null;

function ridge(...args: string[]): void {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), ...args], { stdio: 'ignore' });
}

function expFixture(): Promise<ExpFixture> {
  fixture ??= (async () => {
    const dir = path.join(tmpDir(), 'proj');
    ridge('sample', dir, '--images', '30');
    const tiny = ['--epochs', '1', '--batch-size', '8', '--backend', 'tfjs-node'];
    ridge('compare', dir, '--arms', 'none,l2=1e-4', '--seeds', '2', '--img-size', '64', ...tiny);
    // Not comparable with the others: another input size.
    ridge('train', dir, '--reg', 'l2', '--lambda', '1e-4', '--seed', '0', '--img-size', '96', ...tiny);
    return { dir, served: await serve(dir), browser: await launchChromium() };
  })();
  return fixture;
}

/** Stop the fixture's server and browser (the runner calls this after the last test). */
export async function closeExperimentsFixture(): Promise<void> {
  if (!fixture) return;
  const f = await fixture;
  fixture = null;
  await f.browser.close();
  await f.served.stop();
}

/** A page on the Experiments tab with the runs table shown; dialogs (window.prompt) fail the test. */
async function experimentsPage(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  const f = await expFixture();
  const page = await f.browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    errors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(f.served.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.click('nav.tabs >> text=Experiments');
  await page.waitForSelector('[data-testid="run-row"]');
  return { page, errors };
}

/** Default columns of the runs table, by their data-col attribute. */
const DEFAULT_COLS = [
  'name',
  'status',
  'arm',
  'seed',
  'testMAP50',
  'testMAP50_95',
  'gap',
  'weightNorm',
  'durationS',
  'actions',
];

async function columnsFit(width: number, height: number): Promise<void> {
  const { page, errors } = await experimentsPage(width, height);
  try {
    for (const col of DEFAULT_COLS) {
      const th = page.locator(`[data-testid="runs-table"] th[data-col="${col}"]`);
      check((await th.count()) === 1, `${width}px: column ${col} is shown`);
      const b = await th.boundingBox();
      check(
        b && b.x >= 0 && b.x + b.width <= width,
        `${width}px: column ${col} inside the viewport: ${JSON.stringify(b)}`,
      );
    }
    // The actions themselves (rename, delete, export) are inside too, in every row.
    for (const btn of await page.locator('[data-testid="run-row"] td.actions > *').all()) {
      const b = await btn.boundingBox();
      check(b && b.x + b.width <= width, `${width}px: action inside the viewport: ${JSON.stringify(b)}`);
    }
    // The view reaches the window's bottom edge (no dead band under it).
    const view = await page.locator('[data-testid="experiments"]').boundingBox();
    check(
      view && Math.abs(view.y + view.height - height) <= 1,
      `${width}px: view ends at ${JSON.stringify(view)}`,
    );
    await shot(page, `expview-table-${width}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** At 1280x720 and 1440x900 the default columns lie inside the viewport; more come from the column chooser. */
async function tableFits(): Promise<void> {
  await columnsFit(1280, 720);
  await columnsFit(1440, 900);
  const { page, errors } = await experimentsPage(1280, 720);
  try {
    check((await page.locator('th[data-col="lambda"]').count()) === 0, 'lambda is not a default column');
    await page.click('[data-testid="column-chooser"] summary');
    await page.check('[data-testid="column-chooser"] input[data-col="lambda"]');
    await page.waitForSelector('th[data-col="lambda"]');
    await page.mouse.click(640, 700);
    const open = await page.$eval(
      '[data-testid="column-chooser"]',
      (e) => (e as unknown as { open: boolean }).open,
    );
    check(!open, 'a click outside closes the column chooser');
    await page.reload();
    await page.click('nav.tabs >> text=Experiments');
    await page.waitForSelector('[data-testid="run-row"]');
    check((await page.locator('th[data-col="lambda"]').count()) === 1, 'the chosen column is remembered');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Select exactly these rows of the runs table (by position). */
async function selectRows(page: Page, rows: number[]): Promise<void> {
  const all = page.locator('[aria-label="select all runs"]');
  if (await all.isChecked()) await all.uncheck();
  else {
    await all.check();
    await all.uncheck();
  }
  for (const i of rows) await page.locator('[data-testid="run-row"] td:first-child input').nth(i).check();
}

/**
 * One run selected: side by side offers a visible selector for the second run, and choosing one shows its boxes
 * at once. Images are named by file and a click opens the image in Annotate.
 */
async function sideBySide(): Promise<void> {
  const { page, errors } = await experimentsPage(1440, 900);
  try {
    await selectRows(page, [0]);
    const second = page.locator('[aria-label="side-by-side run 2"]');
    await second.waitFor({ timeout: 30_000 });
    const options = await second.locator('option').allTextContents();
    check(options.length >= 3, `second-run choices: ${options.join(' | ')}`);
    await second.selectOption({ index: 1 });
    // Two stages per image (both runs' boxes), without touching any checkbox.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="sbs-row"]:first-child canvas').length >= 2,
      undefined,
      { timeout: 30_000 },
    );
    // Choose a run whose test evaluation is not computed yet, and change the other run while it computes: the
    // slow one still arrives (it used to be dropped, leaving side by side waiting for good).
    const f = await expFixture();
    const slow = (await page.locator('[data-testid="run-row"]').nth(4).getAttribute('data-run-id'))!;
    rmSync(path.join(f.dir, 'runs', slow, 'test-eval.json'), { force: true });
    await page.selectOption('[aria-label="side-by-side run 1"]', slow);
    await second.selectOption({ index: 2 });
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="sbs-row"]:first-child canvas').length >= 2,
      undefined,
      { timeout: 60_000 },
    );
    const label = page.locator('[data-testid="sbs-row"] [data-testid="sbs-open"]').first();
    const name = (await label.textContent()) ?? '';
    check(/\.(jpe?g|png)/i.test(name), `image named by file: ${name}`);
    await page.locator('[data-testid="side-by-side"]').scrollIntoViewIfNeeded();
    await shot(page, 'expview-side-by-side');
    const id = await label.getAttribute('data-image-id');
    await label.click();
    await page.waitForSelector(`[data-testid="image-row"].on[data-image-id="${id}"]`, { timeout: 10_000 });
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

// Page-side document for waitForFunction.
declare const document: { querySelectorAll(s: string): { length: number } };

/** Runs without a user name read as "arm · seed · number"; rename is inline (no dialog) and keeps the id. */
async function namesAndRename(): Promise<void> {
  const { page, errors } = await experimentsPage(1280, 720);
  try {
    const names = await page.locator('[data-testid="run-row"] [data-testid="run-name"]').allTextContents();
    check(
      names.some((n) => /^none · s0 · #1$/.test(n)) && names.some((n) => /^l2 1e-4 · s1 · #\d$/.test(n)),
      `short names: ${names.join(' | ')}`,
    );
    const row = page.locator('[data-testid="run-row"]').first();
    const id = (await row.getAttribute('data-run-id')) ?? '';
    check(((await row.locator('td.name').textContent()) ?? '').includes(id), 'the run id stays visible');
    await row.locator('button:has-text("Rename")').click();
    const input = row.locator('input[aria-label="run name"]');
    await input.fill('baseline A');
    await input.press('Enter');
    await page.waitForSelector(`[data-run-id="${id}"] [data-testid="run-name"]:has-text("baseline A")`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/**
 * All runs selected: the 96 px run is shown apart with the setting that differs, the arms pool only the 64 px
 * runs, and one run's figures read the same (percent, one duration format) in the table and the arms table.
 */
async function compareComparable(): Promise<void> {
  const { page, errors } = await experimentsPage(1440, 900);
  try {
    await page.waitForSelector('[data-testid="arms-table"] tbody tr');
    const arms = await page.locator('[data-testid="arms-table"] tbody tr').allTextContents();
    check(arms.length === 2, `two arms: ${arms.join(' | ')}`);
    const pooled = await page.locator('[data-testid="arms-table"] td[data-col="runs"]').allTextContents();
    check(pooled.join(',') === '2,2', `each arm pools 2 runs: ${arms.join(' | ')}`);
    const apart = (await page.textContent('[data-testid="not-comparable"]')) ?? '';
    check(/imgSize/.test(apart) && /96/.test(apart) && /64/.test(apart), `shown apart: ${apart}`);
    // The verdict (the study's rule: a bootstrap over the test images) arrives after the table.
    await page.waitForSelector('[data-testid="verdict"] li', { timeout: 30_000 });
    await page.locator('[data-testid="compare"]').scrollIntoViewIfNeeded();
    await shot(page, 'expview-compare');

    // One run alone: its figures read identically in both tables.
    await selectRows(page, [0]);
    const row = page.locator('[data-testid="run-row"]').first();
    const cell = async (col: string) =>
      ((await row.locator(`td[data-col="${col}"]`).textContent()) ?? '').trim();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="arms-table"] tbody tr').length === 1,
      undefined,
      { timeout: 15_000 },
    );
    const arm = page.locator('[data-testid="arms-table"] tbody tr').first();
    const armCell = async (col: string) =>
      ((await arm.locator(`td[data-col="${col}"]`).textContent()) ?? '').split('±')[0]!.trim();
    for (const col of ['testMAP50', 'testMAP50_95', 'durationS'])
      check(
        (await cell(col)) === (await armCell(col)),
        `${col}: table ${await cell(col)} vs arms ${await armCell(col)}`,
      );
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** The Experiments view tests (one fixture of real CLI runs, made on first use). */
export const TESTS = [
  { name: 'experiments: default columns fit at 1280 and 1440, column chooser remembered', run: tableFits },
  {
    name: 'experiments: side by side loads the second run at once, images open in Annotate',
    run: sideBySide,
  },
  { name: 'experiments: short run names, inline rename', run: namesAndRename },
  { name: 'experiments: compare pools only comparable runs, one unit per figure', run: compareComparable },
];
