import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launchChromium, ROOT, serve, shot, waitSaved } from './harness';
import { check, sampleImages, tmpDir } from './util';

/**
 * Train a comparison from the Train tab (none vs L2, 2 seeds, 1 epoch at 96 px on tfjs-node), watch progress, read
 * the runs table, the compare view and its verdict, the side-by-side predictions, then pre-label newly imported
 * images with a run and accept one predicted box in Annotate.
 */
async function experimentsFlow(): Promise<void> {
  const dir = path.join(tmpDir(), 'proj');
  execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), 'sample', dir, '--images', '40'], {
    stdio: 'ignore',
  });
  const extra = sampleImages(3);
  const s = await serve(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Train');
    await page.waitForSelector('[data-testid="preflight"]');
    await page.click('.preset:has-text("Compare regularization")');
    await page.fill('[aria-label="seeds per arm"]', '2');
    await page.click('.advanced summary');
    await page.fill('[aria-label="Epochs"]', '2');
    await page.fill('[aria-label="Image size (px)"]', '96');
    await page.fill('[aria-label="Batch size"]', '8');
    await page.selectOption('[aria-label="Backend"]', 'tfjs-node');
    await shot(page, 'exp-01-train-panel');
    const label = await page.textContent('[data-testid="train"]');
    check(label?.includes('4 runs'), `train button: ${label}`);
    await page.click('[data-testid="train"]');
    await page.waitForSelector('[data-testid="queue-bar"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="run-bar"]', { timeout: 30_000 });
    await page.waitForTimeout(1500);
    await shot(page, 'exp-02-training-progress');
    // Loss and mAP (percent) never share a y axis: the validation chart has x, a loss axis and a mAP axis.
    const axes = await page.locator('[data-testid="live-map"] .u-axis').count();
    check(axes === 3, `live validation chart: ${axes} axes, want x + loss + mAP`);
    await page.waitForSelector('[data-testid="queue-idle"]', { timeout: 180_000 });
    const ended = await page.textContent('[data-testid="ended"]');
    check((ended?.match(/: done/g) ?? []).length === 4, `4 runs done: ${ended}`);

    await page.click('nav.tabs >> text=Experiments');
    await page.waitForSelector('[data-testid="run-row"]');
    check((await page.$$('[data-testid="run-row"]')).length === 4, 'four runs in the table');
    await page.waitForSelector('[data-testid="verdict"] li');
    const verdict = await page.textContent('[data-testid="verdict"]');
    // The study's one rule and words (shared/stats/verdicts.ts), for an ad-hoc selection too.
    check(/L2 5e-4 vs no regularization: /.test(verdict ?? ''), `verdict: ${verdict}`);
    // The comparison started in Train is a study, listed as one unit.
    const study = await page.locator('[data-testid="study-list"] tr[data-study]').allTextContents();
    check(
      study.length === 1 && /done/.test(study[0]!) && /2 × 2/.test(study[0]!),
      `studies: ${study.join(' | ')}`,
    );
    await page.waitForSelector('[data-testid="pr-curves"] canvas', { timeout: 60_000 });
    await page.waitForSelector('[data-testid="sbs-row"]', { timeout: 60_000 });
    await page.waitForTimeout(800);
    await shot(page, 'exp-03-runs-table');
    await page.locator('[data-testid="compare"]').scrollIntoViewIfNeeded();
    await shot(page, 'exp-04-compare');
    await page.locator('[data-testid="side-by-side"]').scrollIntoViewIfNeeded();
    await shot(page, 'exp-05-side-by-side');

    // New, unlabeled images; then pre-label them with a run and accept one predicted box.
    await page.click('nav.tabs >> text=Dataset');
    await page.setInputFiles('[aria-label="import files"]', extra);
    await page.click('[data-testid="import"] >> button:has-text("Import")');
    await page.waitForSelector('[data-testid="import-report"]', { timeout: 30_000 });
    // Images imported with no boxes: the report points at pre-labeling.
    await page.waitForSelector('[data-testid="import-prelabel-hint"]');
    await page.click('nav.tabs >> text=Experiments');
    await page.fill('[aria-label="pre-label score"]', '0');
    await page.click('[data-testid="prelabel-go"]');
    await page.waitForSelector('[data-testid="prelabel-report"]', { timeout: 60_000 });
    const rep = (await page.textContent('[data-testid="prelabel-report"]')) ?? '';
    check(/Added [1-9]\d* pending box/.test(rep), `pre-label report: ${rep}`);
    await page.locator('[data-testid="prelabel"]').scrollIntoViewIfNeeded();
    await shot(page, 'exp-06-prelabel');

    await page.click('nav.tabs >> text=Annotate');
    await page.click('[data-testid="filters"] >> text=Predictions');
    await page.waitForSelector('[data-testid="image-row"]');
    await page.click('[data-testid="image-row"] >> nth=0');
    await page.waitForTimeout(500);
    await page.click('[data-testid="canvas"]', { position: { x: 5, y: 5 } });
    // Enter with nothing selected selects the best prediction (on screen); the second Enter accepts it.
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="selection"] >> text=prediction');
    await page.keyboard.press('Enter');
    await waitSaved(page);
    await shot(page, 'exp-07-accepted');
    const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
    const n = db
      .prepare("SELECT count(*) AS n FROM annotation WHERE source = 'predicted' AND state = 'accepted'")
      .get() as { n: number };
    db.close();
    check(n.n === 1, `one accepted prediction, got ${n.n}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await s.stop();
  }
}

/** The experiments end-to-end test. */
export const TESTS = [{ name: 'train a comparison, compare, pre-label and accept', run: experimentsFlow }];
