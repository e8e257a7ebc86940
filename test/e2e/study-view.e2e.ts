import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import type { ResultMap } from '../../src/shared/api/contract';
import type { InputOf, MethodName } from '../../src/shared/api/schemas';
import type { WireServerMessage } from '../../src/shared/api/wire';
import { sweepsOf } from '../../src/shared/stats/sweep';
import { launchChromium, ROOT, serve, type Served, shot } from './harness';
import type { E2eTest } from './run';
import { check, tmpDir } from './util';

// Page-side globals used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const localStorage: { clear(): void };
declare const document: { documentElement: { scrollWidth: number } };
declare const window: { innerWidth: number };

/**
 * The study panel of Experiments against `ridge serve`: a tiny real study (24 images, 64 px, 1 epoch, none and a
 * two-strength L2 sweep, 2 seeds) made by `ridge compare`; the panel must show studies.show's verdicts word for
 * word, the table with intervals, the sweep with its best strength, and Cancel / Resume / Delete must work.
 */
interface StudyFixture {
  dir: string;
  served: Served;
  browser: Browser;
  studyId: string;
}

let fixture: Promise<StudyFixture> | null = null;

function ridge(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(ROOT, 'bin', 'ridge.cjs'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

function studyFixture(): Promise<StudyFixture> {
  fixture ??= (async () => {
    const dir = path.join(tmpDir(), 'proj');
    ridge('sample', dir, '--images', '24');
    const doc = JSON.parse(
      ridge(
        'compare', dir, '--arms', 'none,l2=1e-5,l2=1e-3', '--seeds', '2', '--epochs', '1',
        '--img-size', '64', '--batch-size', '8', '--backend', 'tfjs-node', '--json',
      ), // prettier-ignore
    ) as ResultMap['studies.show'];
    return { dir, served: await serve(dir), browser: await launchChromium(), studyId: doc.study.id };
  })();
  return fixture;
}

/** One call of the contract over the server's WebSocket, as the page makes it (a session of its own). */
async function api<M extends MethodName>(s: Served, method: M, args: InputOf<M>): Promise<ResultMap[M]> {
  const ws = new WebSocket(`${s.base.replace(/^http/, 'ws')}/api/ws?token=${s.token}`);
  try {
    return await new Promise<ResultMap[M]>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString()) as WireServerMessage;
        if (m.t === 'hello') ws.send(JSON.stringify({ t: 'call', id: 1, method, args }));
        else if (m.t === 'result' && m.id === 1) {
          if (m.result.ok) resolve(m.result.value as ResultMap[M]);
          else reject(new Error(m.result.error.message));
        }
      });
    });
  } finally {
    ws.close();
  }
}

async function until<T>(get: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Stop the fixture's server and browser (the runner calls this after the last test). */
export async function closeStudyFixture(): Promise<void> {
  if (!fixture) return;
  const f = await fixture;
  fixture = null;
  await f.browser.close();
  await f.served.stop();
}

async function studyPage(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
  const f = await studyFixture();
  const page = await f.browser.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(f.served.url);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.click('nav.tabs >> text=Experiments');
  await page.waitForSelector('[data-testid="study-list"] tr[data-study]');
  return { page, errors };
}

/** Select a study in the list and wait for its panel's verdicts. */
async function openStudy(page: Page, studyId: string): Promise<void> {
  await page.click(`[data-testid="study-list"] tr[data-study="${studyId}"] button`);
  await page.waitForSelector(
    `[data-testid="study-panel"][data-study="${studyId}"] [data-testid="study-verdicts"] li`,
    {
      timeout: 60_000,
    },
  );
}

/** At both sizes: the panel's verdicts are studies.show's sentences, the table shows intervals, the sweep its best. */
async function panelMatchesApi(width: number, height: number): Promise<void> {
  const f = await studyFixture();
  const { page, errors } = await studyPage(width, height);
  try {
    const doc = await api(f.served, 'studies.show', { studyId: f.studyId });
    await openStudy(page, f.studyId);
    const shown = await page.locator('[data-testid="study-verdicts"] li').allTextContents();
    const words = doc.verdicts.map((v) => v.sentence);
    check(
      JSON.stringify(shown) === JSON.stringify(words),
      `verdicts shown = studies.show's:\n${shown.join('\n')}\nvs\n${words.join('\n')}`,
    );
    check(
      words.length >= 2 && words.every((w) => /^L2 (1e-5|0\.001) /.test(w)),
      `verdicts: ${words.join(' | ')}`,
    );
    for (const a of doc.arms) {
      const cell = page.locator(
        `[data-testid="study-table"] tr[data-arm="${a.arm}"] td[data-col="testMAP50_95"]`,
      );
      const text = (await cell.textContent()) ?? '';
      const pct = (v: number) => (100 * v).toFixed(1);
      const want = `${pct(a.testMAP50_95.mean)} ± ${pct(a.testMAP50_95.sd)}[${pct(a.testMAP50_95.ci[0])}, ${pct(a.testMAP50_95.ci[1])}]`;
      check(text === want, `${a.arm} test mAP50-95 cell '${text}', want '${want}' (percent, sd, interval)`);
    }
    const plan = (await page.locator('[data-testid="study-plan"]').textContent()) ?? '';
    check(plan.includes(doc.manifestHash.slice(0, 12)) && plan.includes('Comparable: yes'), `plan: ${plan}`);
    const best = await page.locator('[data-testid="best-lambda"]').allTextContents();
    check(
      JSON.stringify(best) === JSON.stringify(sweepsOf(doc.arms).map((s) => s.bestSentence)),
      `best lambda: ${best.join(' | ')}`,
    );
    check(
      (await page.locator('[data-testid="sweep-l2-testMAP50_95"] canvas').count()) === 1,
      'the mAP50-95 sweep is drawn',
    );
    const resume = page.locator('[data-testid="study-panel"] button', { hasText: 'Resume study' });
    check(await resume.isDisabled(), 'a done study has nothing to resume');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `${width}px: no horizontal overflow of the page (${overflow} px)`);
    await page.locator('[data-testid="study-panel"]').scrollIntoViewIfNeeded();
    await page.locator('[data-testid="study-panel"] h2').evaluate((e) => e.scrollIntoView());
    await shot(page, `study-panel-${width}x${height}`);
    await page.locator('[data-testid="sweeps"]').evaluate((e) => e.scrollIntoView());
    await shot(page, `study-sweeps-${width}x${height}`);
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** A second tiny study started through the API: Cancel stops it, Resume trains it again, Delete takes it away. */
async function actionsWork(): Promise<void> {
  const f = await studyFixture();
  const { page, errors } = await studyPage(1280, 720);
  try {
    const started = await api(f.served, 'runs.startCompare', {
      arms: [{ reg: 'none' }],
      seeds: 1,
      base: { epochs: 1, imgSize: 64, batchSize: 8, robustness: false },
      name: 'to cancel',
    });
    const id = started.studyId;
    await page.waitForSelector(`[data-testid="study-list"] tr[data-study="${id}"]`, { timeout: 15_000 });
    await page.click(`[data-testid="study-list"] tr[data-study="${id}"] button`);
    const panel = page.locator(`[data-testid="study-panel"][data-study="${id}"]`);
    await panel.locator('button', { hasText: 'Cancel study' }).click();
    await page.waitForSelector(
      `[data-testid="study-list"] tr[data-study="${id}"] td[data-col="status"]:text("cancelled")`,
      {
        timeout: 30_000,
      },
    );
    const list = await api(f.served, 'studies.list', {});
    check(list.find((s) => s.id === id)?.status === 'cancelled', 'studies.list says cancelled');

    await panel.locator('button', { hasText: 'Resume study' }).click();
    const msg = await panel.locator('[data-testid="study-msg"]').textContent();
    check(
      msg?.startsWith('Resumed: 0 run(s) continue from their last checkpoint, 1 start again'),
      `resume: ${msg}`,
    );
    await until(
      async () =>
        (await api(f.served, 'studies.list', {})).find((s) => s.id === id)?.status === 'done'
          ? true
          : undefined,
      90_000,
      'the resumed study is done',
    );
    await page.waitForSelector(
      `[data-testid="study-list"] tr[data-study="${id}"] td[data-col="status"]:text("done")`,
      {
        timeout: 10_000,
      },
    );

    await panel.locator('button', { hasText: 'Delete study' }).click();
    const dialog = page.locator('[role="dialog"]');
    const body = (await dialog.textContent()) ?? '';
    const files = (await api(f.served, 'studies.list', {})).find((s) => s.id === id)!.files;
    check(files > 0 && body.includes(`This deletes its 1 run and ${files} files on disk`), `dialog: ${body}`);
    await shot(page, 'study-delete-confirm-1280x720');
    await dialog.locator('button', { hasText: 'Delete study and 1 run' }).click();
    await page.waitForSelector('[data-testid="studies-note"]:text("Deleted study to cancel")', {
      timeout: 10_000,
    });
    check((await page.locator(`tr[data-study="${id}"]`).count()) === 0, 'the deleted study left the list');
    const after = await api(f.served, 'studies.list', {});
    check(
      !after.some((s) => s.id === id) && after.some((s) => s.id === f.studyId),
      'studies.list without it',
    );
    check(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await page.close();
  }
}

/** The study view's tests, in the runner's order. */
export const TESTS: E2eTest[] = [
  { name: 'study panel shows studies.show at 1280x720', run: () => panelMatchesApi(1280, 720) },
  { name: 'study panel shows studies.show at 1440x900', run: () => panelMatchesApi(1440, 900) },
  { name: 'study actions: cancel, resume, delete', run: actionsWork },
];
