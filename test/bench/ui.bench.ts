// UI benchmark (figures printed, not a timed test): frame times while dragging one box on a 4000x3000 image with
// 500 boxes, and the time to open a 10,000-image project and show its first page. Needs the renderer bundle
// (RIDGE_TEST_HOOKS=1 npx electron-vite build, as scripts/e2e.sh builds it), the CLI bundle and /usr/bin/chromium.
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Project } from '../../src/main/services/project/project';
import { launchChromium, serve, shot, toScreen } from '../e2e/harness';

declare const window: unknown;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function makeProject(images: number, boxesOnFirst: number, big: boolean): Promise<string> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'ridge-uibench-')), 'proj');
  const p = Project.init(dir, `bench-${images}`);
  mkdirSync(path.join(dir, 'images'), { recursive: true });
  const [w, h] = big ? [4000, 3000] : [640, 480];
  const file = path.join(dir, 'images', 'big.jpg');
  await sharp({ create: { width: w, height: h, channels: 3, background: { r: 60, g: 90, b: 120 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${w}" height="${h}"><circle cx="${w / 2}" cy="${h / 2}" r="${h / 3}" fill="#c84"/></svg>`,
        ),
      },
    ])
    .jpeg()
    .toFile(file);
  const cls = [p.classes.create('a'), p.classes.create('b'), p.classes.create('c')];
  p.tx(() => {
    for (let i = 0; i < images; i++) {
      const sha = createHash('sha256').update(String(i)).digest('hex');
      const rel = i === 0 ? 'images/big.jpg' : `images/img_${String(i).padStart(5, '0')}.jpg`;
      if (i > 0) linkSync(file, path.join(dir, rel)); // hard links: 10,000 files, one image's bytes
      p.images.insert({
        sha256: sha,
        path: rel,
        linked: false,
        width: w,
        height: h,
        split: 'train',
        status: 'unlabeled',
      });
    }
    for (let i = 0; i < boxesOnFirst; i++) {
      const x = (i % 25) * 155 + 10;
      const y = Math.floor(i / 25) * 148 + 10;
      p.annotations.insert({ imageId: 1, classId: cls[i % 3]!.id, x, y, w: 120, h: 110 });
    }
  });
  p.close();
  return dir;
}

async function dragBench(): Promise<void> {
  const dir = await makeProject(1, 500, true);
  const s = await serve(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Annotate'); // the overview is the landing page
    await page.waitForFunction(
      () => (window as { __ridgeCanvas?: { boxes(): unknown[] } }).__ridgeCanvas?.boxes().length === 500,
    );
    await page.waitForTimeout(1500);
    const a = await toScreen(page, 10 + 60, 10 + 55);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    // A string, not a function: tsx would wrap a named callback in a helper the page does not have.
    await page.evaluate(`window.__frames = [];
      (function tick(t) { window.__frames.push(t); if (window.__frames.length < 100000) requestAnimationFrame(tick); })(performance.now());`);
    for (let i = 1; i <= 240; i++) await page.mouse.move(a.x + i * 2, a.y + i * 1.5);
    await page.mouse.up();
    const t = await page.evaluate(() => (window as { __frames: number[] }).__frames);
    const d = t.slice(1).map((x, i) => x - t[i]!);
    await shot(page, 'bench-drag-500-boxes');
    console.log(
      `drag one box, 4000x3000 image, 500 boxes: ${d.length} frames, p50 ${pct(d, 50).toFixed(1)} ms, ` +
        `p95 ${pct(d, 95).toFixed(1)} ms, max ${Math.max(...d).toFixed(1)} ms (target p95 < 16.7 ms)`,
    );
  } finally {
    await browser.close();
    await s.stop();
  }
}

async function openBench(): Promise<void> {
  const dir = await makeProject(10_000, 0, false);
  const s = await serve(dir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const t0 = Date.now();
    await page.goto(s.url);
    await page.click('nav.tabs >> text=Annotate'); // the overview is the landing page
    await page.waitForSelector('[data-testid="image-row"]');
    const firstPage = Date.now() - t0;
    await page.waitForFunction(() => (window as { __ridgeCanvas?: unknown }).__ridgeCanvas);
    const canvas = Date.now() - t0;
    const t1 = Date.now();
    await page.evaluate(() => {
      const el = (
        window as { document: { querySelector(s: string): { scrollTop: number } } }
      ).document.querySelector('[data-testid="image-list"]');
      el.scrollTop = 9990 * 52;
    });
    await page.waitForSelector('[data-testid="image-row"][data-image-id="10000"]', { timeout: 30_000 });
    const toEnd = Date.now() - t1;
    await shot(page, 'bench-10k-list-end');
    console.log(
      `open 10,000-image project: first page of the list ${firstPage} ms, canvas ready ${canvas} ms (target < 1000 ms); ` +
        `scroll to the last row ${toEnd} ms`,
    );
  } finally {
    await browser.close();
    await s.stop();
  }
}

void (async () => {
  await dragBench();
  await openBench();
})();
