import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { dragImage, launchChromium, ROOT, serve, shot, waitCanvas, waitSaved } from './harness';
import { check, tmpDir } from './util';

/** A project made with the CLI: `ridge init` (its name) then `ridge sample` (images with boxes). */
function makeProject(dir: string, name: string, images: number): void {
  const ridge = (...args: string[]) =>
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), ...args], { stdio: 'ignore' });
  ridge('init', dir, '--name', name);
  ridge('sample', dir, '--images', String(images));
}

/** Boxes stored in a project's database right now. */
function boxCount(dir: string): number {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM annotation').get() as { n: number }).n;
  db.close();
  return n;
}

async function openProject(page: Page, url: string, dir: string, name: string): Promise<void> {
  await page.goto(url);
  await page.fill('[aria-label="open project folder"]', dir);
  await page.click('form:has([aria-label="open project folder"]) button[type="submit"]');
  await page.waitForSelector(`[data-testid="project-name"]:has-text("${name}")`);
}

async function shownProject(page: Page): Promise<string> {
  await page.waitForSelector('[data-testid="project-name"]');
  return (await page.textContent('[data-testid="project-name"]'))?.trim() ?? '';
}

/**
 * Two browser tabs on one `ridge serve`, each with its own project: opening a project in one never switches the
 * other (before, one session served every tab), a reload resumes each tab's own session, and an edit made in one
 * tab is stored in that tab's project only.
 */
async function twoTabsKeepTheirProjects(): Promise<void> {
  const root = tmpDir();
  const alpha = path.join(root, 'alpha');
  const beta = path.join(root, 'beta');
  makeProject(alpha, 'Alpha', 3);
  makeProject(beta, 'Beta', 4);
  const s = await serve();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const a = await context.newPage();
    const b = await context.newPage();
    const errors: string[] = [];
    for (const p of [a, b]) p.on('pageerror', (e) => errors.push(e.message));
    await openProject(a, s.url, alpha, 'Alpha');
    await openProject(b, s.url, beta, 'Beta');
    check((await shownProject(a)) === 'Alpha', 'tab A still shows Alpha after tab B opened Beta');
    await shot(a, 'two-tabs-a');
    await shot(b, 'two-tabs-b');

    // A reload resumes each tab's own session (its id is kept per tab), open project included.
    await a.reload();
    await b.reload();
    check((await shownProject(a)) === 'Alpha', `tab A after reload: ${await shownProject(a)}`);
    check((await shownProject(b)) === 'Beta', `tab B after reload: ${await shownProject(b)}`);
    await b.click('nav.tabs >> text=Annotate'); // a project opens on its Overview
    await b.waitForSelector('[data-testid="image-row"]');
    const rowsB = await b.locator('[data-testid="image-row"]').count();
    check(rowsB === 4, `tab B lists Beta's 4 images, got ${rowsB}`);

    // An edit in tab A lands in Alpha, never in Beta.
    const before = { alpha: boxCount(alpha), beta: boxCount(beta) };
    await a.click('nav.tabs >> text=Annotate');
    await a.waitForSelector('[data-testid="image-row"].on');
    await waitCanvas(a);
    await a.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });
    await a.keyboard.press('1');
    await dragImage(a, [4, 4], [40, 30]);
    await waitSaved(a);
    const after = { alpha: boxCount(alpha), beta: boxCount(beta) };
    check(after.alpha === before.alpha + 1, `Alpha gained the box: ${JSON.stringify({ before, after })}`);
    check(after.beta === before.beta, `Beta unchanged: ${JSON.stringify({ before, after })}`);
    check((await shownProject(b)) === 'Beta', 'tab B still on Beta after the edit in tab A');
    await shot(a, 'two-tabs-a-edited');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** The tests of this file, run by test/e2e/run.ts. */
export const TESTS = [{ name: 'two tabs each keep their own project', run: twoTabsKeepTheirProjects }];
