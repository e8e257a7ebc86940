import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import type { SaliencyMapView } from '../../src/shared/api/runs-contract';
import { matchingDetection } from '../../src/renderer/src/features/experiments/saliency-pair';
import { launchChromium, ROOT, serve, type Served, shot } from './harness';
import { check, tmpDir } from './util';

// Page-side globals used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const localStorage: { clear(): void };
declare const document: {
  querySelector(s: string): {
    width: number;
    height: number;
    dataset: Record<string, string>;
    getContext(k: '2d'): {
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
    };
  } | null;
};

/** A sample project with two real tiny runs made by the CLI (96 px, 1 epoch): none and l2=1e-4, seed 0. */
interface SalFixture {
  dir: string;
  served: Served;
  browser: Browser;
  runs: { none: string; l2: string };
}

let fixture: Promise<SalFixture> | null = null;

function ridge(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
}

function salFixture(): Promise<SalFixture> {
  fixture ??= (async () => {
    const dir = path.join(tmpDir(), 'proj');
    ridge('sample', dir, '--images', '30');
    const tiny = [
      '--epochs',
      '1',
      '--img-size',
      '96',
      '--batch-size',
      '8',
      '--backend',
      'tfjs-node',
      '--json',
    ];
    const id = (out: string) => (JSON.parse(out) as { id: string }).id;
    const none = id(ridge('train', dir, '--seed', '0', ...tiny));
    const l2 = id(ridge('train', dir, '--reg', 'l2', '--lambda', '1e-4', '--seed', '0', ...tiny));
    return { dir, served: await serve(dir), browser: await launchChromium(), runs: { none, l2 } };
  })();
  return fixture;
}

/** Stop the fixture's server and browser (the runner calls this after the last test). */
export async function closeSaliencyFixture(): Promise<void> {
  if (!fixture) return;
  const f = await fixture;
  fixture = null;
  await f.browser.close();
  await f.served.stop();
}

/** Call a contract method over the server's WebSocket, as another tab would (the project serve started in). */
async function apiCall<T>(served: Served, method: string, args: unknown): Promise<T> {
  const ws = new WebSocket(`${served.base.replace(/^http/, 'ws')}/api/ws?token=${served.token}`, {
    headers: { Origin: served.base },
  });
  try {
    return await new Promise<T>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as {
          t: string;
          id?: number;
          result?: { ok: boolean; value?: T; error?: { message: string } };
        };
        if (m.t === 'hello') ws.send(JSON.stringify({ t: 'call', id: 1, method, args }));
        if (m.t !== 'result' || m.id !== 1) return;
        if (m.result!.ok) resolve(m.result!.value as T);
        else reject(new Error(m.result!.error?.message));
      });
    });
  } finally {
    ws.close();
  }
}

/** A page on the Experiments tab; page errors and dialogs are collected (they fail the test). */
async function experimentsPage(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  const f = await salFixture();
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

/**
 * A run without robustness offers "Measure robustness"; while the trainer works the button is disabled and says
 * so; when it is done the table (5 corruptions x 3 severities) shows, with the mPC the runs table shows too.
 */
async function measureRobustness(): Promise<void> {
  const f = await salFixture();
  const { page, errors } = await experimentsPage(1280, 720);
  try {
    const panel = page.locator('[data-testid="robustness"]');
    await page.selectOption('[aria-label="robustness run"]', f.runs.l2);
    check((await panel.locator('[data-testid="robustness-table"]').count()) === 0, 'not measured yet');
    const button = panel.locator('[data-testid="measure-robustness"]');
    check((await button.textContent()) === 'Measure robustness', `button: ${await button.textContent()}`);
    await button.click();
    await panel.locator('[data-testid="robustness-working"]').waitFor({ timeout: 5_000 });
    check(await button.isDisabled(), 'a second click is refused while it measures');
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'saliency-view-robustness-working-1280');
    await panel.locator('[data-testid="robustness-table"]').waitFor({ timeout: 120_000 });
    const rows = await panel.locator('[data-testid="robustness-table"] tbody tr').count();
    check(rows === 5, `five corruptions: ${rows}`);
    const cells = await panel.locator('[data-testid="robustness-table"] tbody td.num').allTextContents();
    check(
      cells.length === 15 && cells.every((c) => /^\d+\.\d$/.test(c)),
      `15 percent cells: ${cells.join(' ')}`,
    );
    const mpc = ((await panel.locator('[data-testid="robustness-mpc"]').textContent()) ?? '').trim();
    // The runs table's mPC column (from the column chooser) shows the same figure, refreshed.
    await page.click('[data-testid="column-chooser"] summary');
    await page.check('[data-testid="column-chooser"] input[data-col="mPC"]');
    await page.mouse.click(5, 700);
    const cell = page.locator(`[data-run-id="${f.runs.l2}"] td[data-col="mPC"]`);
    await cell.waitFor();
    check(
      ((await cell.textContent()) ?? '').trim() === mpc,
      `mPC ${mpc} vs table ${await cell.textContent()}`,
    );
    check(
      (await page.locator(`[data-run-id="${f.runs.none}"] td[data-col="mPC"]`).textContent())?.trim() === '–',
      'the other run is still unmeasured',
    );
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'saliency-view-robustness-1280');
    await page.setViewportSize({ width: 1440, height: 900 });
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'saliency-view-robustness-1440');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** Scroll so the element's top is at the window's top (a card that grew after it was scrolled to). */
async function toTop(page: Page, sel: string): Promise<void> {
  await page.locator(sel).evaluate((e) => (e as unknown as { scrollIntoView(): void }).scrollIntoView());
}

/** Opaque pixels of a canvas and their distinct colours (a blank canvas has none). */
async function canvasPixels(
  page: Page,
  sel: string,
): Promise<{ opaque: number; total: number; hash: number }> {
  return page.evaluate((s) => {
    const c = document.querySelector(s)!;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3]! > 0) opaque++;
      hash = (hash * 31 + d[i]! + 7 * d[i + 1]! + 13 * d[i + 2]!) % 1_000_000_007;
    }
    return { opaque, total: d.length / 4, hash };
  }, sel);
}

/**
 * Two runs side by side: both canvases carry image and heatmap (the overlay changes pixels, opacity 0 removes
 * it), and each shown saliencyInBox is the one runs.saliency answers for that run, image and detection.
 */
async function compareSaliency(): Promise<void> {
  const f = await salFixture();
  const { page, errors } = await experimentsPage(1440, 900);
  try {
    const card = page.locator('[data-testid="saliency-compare"]');
    await card.scrollIntoViewIfNeeded();
    check((await card.locator('canvas').count()) === 0, 'nothing computed before it is asked for');
    await page.click('[data-testid="saliency-open"]');
    const pair = [
      await page.inputValue('[aria-label="saliency run 1"]'),
      await page.inputValue('[aria-label="saliency run 2"]'),
    ];
    check(
      pair[0] === f.runs.none && pair[1] === f.runs.l2,
      `opens on the baseline and the other arm of seed 0: ${pair.join(', ')}`,
    );
    for (const k of [1, 2])
      await page.waitForSelector(`[data-testid="saliency-canvas-${k}"][data-drawn="saliency"]`, {
        timeout: 60_000,
      });
    const imageId = Number(await page.inputValue('[aria-label="saliency image"]'));
    // Side 2's detection is the one on side 1's object (the API's own lists, matched the same way).
    const best = (k: number) =>
      apiCall<SaliencyMapView>(f.served, 'runs.saliency', { runId: pair[k - 1], imageId, detection: 0 });
    const [m1, m2] = [await best(1), await best(2)];
    const want = matchingDetection(
      { det: m1.detection, placement: m1.placement },
      m2.ranked,
      m2.placement,
    ).index;
    await page.waitForSelector(`[data-testid="saliency-matched"][data-index="${want}"]`, { timeout: 30_000 });
    check(
      (await page.inputValue('[aria-label="saliency detection 2"]')) === String(want),
      `side 2 shows detection #${want + 1}, the one on side 1's object`,
    );
    for (const k of [1, 2]) {
      const detection = k === 1 ? 0 : want;
      const m = await apiCall<SaliencyMapView>(f.served, 'runs.saliency', {
        runId: pair[k - 1],
        imageId,
        detection,
      });
      check(m.inBox !== null, `image ${imageId} has boxes, so a saliencyInBox`);
      // The side shows this detection's map once it has arrived (side 2 asks for it after the match).
      await page.waitForFunction(
        ([sel, v]) => document.querySelector(sel)?.dataset['value'] === v,
        [`[data-testid="saliency-inbox-${k}"]`, String(m.inBox)] as const,
        { timeout: 60_000 },
      );
      const px = await canvasPixels(page, `[data-testid="saliency-canvas-${k}"]`);
      check(px.total > 10_000 && px.opaque === px.total, `canvas ${k} drawn: ${JSON.stringify(px)}`);
      const shown = page.locator(`[data-testid="saliency-inbox-${k}"]`);
      check(
        Number(await shown.getAttribute('data-value')) === m.inBox &&
          (await shown.textContent()) === m.inBox.toFixed(2),
        `run ${k}: shown ${await shown.textContent()} (${await shown.getAttribute('data-value')}) vs API ${m.inBox}`,
      );
      const det = await page.locator(`[aria-label="saliency detection ${k}"] option`).first().textContent();
      const top = m.ranked[0]!;
      check(
        (det ?? '').includes(`${Math.round(100 * top.score)}%`),
        `detections listed with their score: ${det} vs ${top.score}`,
      );
    }
    const caption = (await page.textContent('[data-testid="saliency-caption"]')) ?? '';
    check(/gradient of the chosen detection's score with respect to the input pixels/.test(caption), caption);
    await toTop(page, '[data-testid="saliency-compare"]');
    await shot(page, 'saliency-view-compare-1440');
    // The heatmap is really drawn: opacity 0 leaves the image alone, and other pixels.
    const withMap = await canvasPixels(page, '[data-testid="saliency-canvas-1"]');
    await page.fill('[aria-label="saliency opacity"]', '0');
    await page.waitForTimeout(200);
    const without = await canvasPixels(page, '[data-testid="saliency-canvas-1"]');
    check(withMap.hash !== without.hash, 'the overlay changes the canvas');
    await page.fill('[aria-label="saliency opacity"]', '0.7');
    await page.setViewportSize({ width: 1280, height: 720 });
    await toTop(page, '[data-testid="saliency-compare"]');
    await shot(page, 'saliency-view-compare-1280');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** A run still training, a run whose model file is gone and a damaged model read as plain messages, without a page error (last: it breaks two models). */
async function plainMessages(): Promise<void> {
  const f = await salFixture();
  const { runIds } = await apiCall<{ runIds: string[] }>(f.served, 'runs.start', {
    configs: [{ epochs: 200, imgSize: 64, backend: 'tfjs-node' }],
  });
  const training = runIds[0]!;
  const { page, errors } = await experimentsPage(1280, 720);
  try {
    await page.waitForSelector(`[data-run-id="${training}"]`, { timeout: 15_000 });
    await page.click('[data-testid="saliency-open"]');
    await page.selectOption('[aria-label="saliency run 2"]', training);
    const side = page.locator('[data-testid="saliency-side-2"] [data-testid="saliency-blocked"]');
    const text = (await side.textContent()) ?? '';
    check(/still (training|waiting to train): saliency maps need a finished run/.test(text), text);
    await page.locator('[data-testid="saliency-compare"]').scrollIntoViewIfNeeded();
    await shot(page, 'saliency-view-training-1280');
    await apiCall(f.served, 'runs.cancel', { runId: training });
    // The model file gone (deleted by hand): the side says so instead of failing in the trainer.
    rmSync(path.join(f.dir, 'runs', f.runs.l2, 'model'), { recursive: true, force: true });
    await page.reload();
    await page.click('nav.tabs >> text=Experiments');
    await page.click('[data-testid="saliency-open"]');
    await page.selectOption('[aria-label="saliency run 2"]', f.runs.l2);
    const gone = (await side.textContent()) ?? '';
    check(gone.includes(`model file is missing (runs/${f.runs.l2}/model)`), gone);
    // The robustness panel refuses the run whose model is gone, before any measurement.
    await page.selectOption('[aria-label="robustness run"]', f.runs.l2);
    const blocked = page.locator('[data-testid="robustness-blocked"]');
    await blocked.waitFor({ timeout: 10_000 });
    check(((await blocked.textContent()) ?? '').includes('model file is missing'), 'blocked without a model');
    // A measurement that fails in the trainer (a damaged model.json: present, so the table cannot tell; removing
    // the file instead raced the table's refresh, which hid the button) says why and names the file.
    const modelJson = path.join(f.dir, 'runs', f.runs.none, 'model', 'model.json');
    writeFileSync(modelJson, readFileSync(modelJson, 'utf8').slice(0, 100));
    await page.selectOption('[aria-label="robustness run"]', f.runs.none);
    await page.click('[data-testid="measure-robustness"]');
    const err = page.locator('[data-testid="robustness-error"]');
    await err.waitFor({ timeout: 30_000 });
    const said = (await err.textContent()) ?? '';
    check(/could not be measured for .*model\.json is damaged/.test(said), said);
    await page.locator('[data-testid="robustness"]').scrollIntoViewIfNeeded();
    await shot(page, 'saliency-view-robustness-error-1280');
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** The saliency view tests (one fixture of two real CLI runs, made on first use). */
export const TESTS = [
  { name: 'saliency view: Measure robustness fills the table and the mPC column', run: measureRobustness },
  {
    name: 'saliency view: two runs side by side, heatmaps drawn, saliencyInBox as the API says',
    run: compareSaliency,
  },
  {
    name: 'saliency view: a run still training, a missing model, a failed measurement read as plain messages',
    run: plainMessages,
  },
];
