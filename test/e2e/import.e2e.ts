import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, ROOT, serve, shot } from './harness';
import { check, sampleImages, tmpDir } from './util';

function count(dir: string, table: 'image' | 'annotation'): number {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  const n = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  db.close();
  return n;
}

/**
 * An Ultralytics YOLO folder (data.yaml, images/train, labels/train) of three images; the third image's label
 * file has a malformed second line.
 */
function yoloFolder(): string {
  const root = path.join(tmpDir(), 'my-yolo');
  mkdirSync(path.join(root, 'images', 'train'), { recursive: true });
  mkdirSync(path.join(root, 'labels', 'train'), { recursive: true });
  writeFileSync(path.join(root, 'data.yaml'), 'path: .\ntrain: images/train\nnames: [cat, dog]\n');
  sampleImages(3).forEach((f, i) => {
    copyFileSync(f, path.join(root, 'images', 'train', `photo-${i}.jpg`));
    const lines = i === 2 ? '0 0.5 0.5 0.2 0.2\n1 0.5 oops 0.2\n' : `0 0.3 0.3 0.2 0.2\n1 0.6 0.6 0.3 0.3\n`;
    writeFileSync(path.join(root, 'labels', 'train', `photo-${i}.txt`), lines);
  });
  return root;
}

/** A COCO folder whose annotation file breaks off on line 3. */
function brokenCocoFolder(): string {
  const root = path.join(tmpDir(), 'bad-coco');
  mkdirSync(path.join(root, 'images'), { recursive: true });
  copyFileSync(sampleImages(1)[0]!, path.join(root, 'images', 'a.jpg'));
  writeFileSync(path.join(root, 'annotations.json'), '{\n  "images": [\n    {"id": 1, "file_name": \n');
  return root;
}

async function pickFolder(page: Page, format: string, folder: string): Promise<void> {
  await page.selectOption('[aria-label="import format"]', format);
  await page.setInputFiles('[aria-label="import folder"]', folder);
}

async function problemsShown(page: Page): Promise<string[]> {
  await page.waitForSelector('[data-testid="import-problem"]', { timeout: 30_000 });
  return page.locator('[data-testid="import-problem"]').allTextContents();
}

/**
 * Folder upload keeps relative paths: a YOLO folder imports as in the CLI. Strict by default (the bad label line
 * is listed with its file and line, nothing is written); with "skip bad files" the rest imports. A broken COCO file
 * lists its problem with file and line. No CLI flag names in the page.
 */
async function browserFolderImport(): Promise<void> {
  const dir = path.join(tmpDir(), 'proj');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), 'init', dir, '--name', 'imports'], {
    stdio: 'ignore',
  });
  const yolo = yoloFolder();
  const coco = brokenCocoFolder();
  const s = await serve(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Dataset');
    await pickFolder(page, 'yolo', yolo);
    const picked = (await page.textContent('[data-testid="import"]')) ?? '';
    check(picked.includes('my-yolo') && picked.includes('7 files'), `the picked folder is named: ${picked}`);
    await page.click('[data-testid="import"] >> button:has-text("Import")');
    const strict = await problemsShown(page);
    check(
      strict.some((p) => p.includes('labels/train/photo-2.txt') && /line 2\b/.test(p)),
      `the bad label line is listed with file and line: ${strict.join(' | ')}`,
    );
    check(count(dir, 'image') === 0, 'the strict default wrote nothing');
    const card = (await page.textContent('[data-testid="import"]')) ?? '';
    check(!card.includes('--'), `no CLI flag names in the page: ${card}`);
    await shot(page, 'import-strict-1280');

    await page.check('[aria-label="skip bad files"]');
    await page.click('[data-testid="import"] >> button:has-text("Import")');
    await page.waitForSelector('[data-testid="import-report"]', { timeout: 30_000 });
    const report = (await page.textContent('[data-testid="import-report"]')) ?? '';
    check(report.includes('Imported 2 images and 4 boxes'), `skip bad files imports the rest: ${report}`);
    check(count(dir, 'image') === 2 && count(dir, 'annotation') === 4, 'two images, four boxes stored');
    const skipped = (await page.textContent('[data-testid="import"]')) ?? '';
    check(!skipped.includes('--'), `no CLI flag names after skipping either: ${skipped}`);
    check(!skipped.includes('clipped'), `boxes inside their image are not reported as clipped: ${skipped}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await shot(page, 'import-skipped-1440');

    await pickFolder(page, 'coco', coco);
    await page.uncheck('[aria-label="skip bad files"]');
    await page.click('[data-testid="import"] >> button:has-text("Import")');
    const cocoProblems = await problemsShown(page);
    check(
      cocoProblems.some((p) => p.includes('bad-coco/annotations.json') && /line \d+/.test(p)),
      `the broken COCO file is listed with its line: ${cocoProblems.join(' | ')}`,
    );
    await shot(page, 'import-coco-problem-1440');
    await page.setViewportSize({ width: 1280, height: 720 });
    await shot(page, 'import-coco-problem-1280');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** The tests of this file, run by test/e2e/run.ts. */
export const TESTS = [
  {
    name: 'browser import: YOLO folder upload, strict default, skip bad, COCO problem listed',
    run: browserFolderImport,
  },
];
