import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Browser, chromium, type Page } from 'playwright-core';

// Page-side global used inside page.evaluate callbacks (this file is type-checked without the DOM lib).
declare const window: unknown;

/** Repository root (test/e2e/..). */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots and traces CI keeps (git-ignored). */
export const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');

/** Chromium as TESTING.md says it works on these machines (Debian's /usr/bin/chromium, headless). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A running `ridge serve` (the built CLI, real services, real SQLite). */
export interface Served {
  url: string;
  base: string;
  token: string;
  stop(): Promise<void>;
}

let configHome: string | null = null;
/** The config folder every test server keeps its tokens in (a temp folder: tests never touch the user's own). */
export function testConfigHome(): string {
  return (configHome ??= mkdtempSync(path.join(os.tmpdir(), 'ridge-e2e-config-')));
}

/** How a test starts `ridge serve`: a fixed port (a restart on the same origin), extra flags, its environment. */
export interface ServeOptions {
  port?: number;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Start `ridge serve [dir | --data-root <tmp>] --port 0` (or the given port) and read the URL it prints first. */
export async function serve(dir?: string, o: ServeOptions = {}): Promise<Served> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'ridge.cjs'),
      'serve',
      // Without a project, serve confines the API to the folder it started in: the tests' projects live in the
      // temp folder, so the person running these tests allows it, as a user would with --data-root.
      ...(dir ? [dir] : ['--data-root', os.tmpdir()]),
      '--port',
      String(o.port ?? 0),
      ...(o.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_CONFIG_HOME: testConfigHome(), ...o.env },
    },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`ridge serve exited ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url,
    base: u.origin,
    token: u.searchParams.get('token')!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Save a screenshot as a CI artifact. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Wait until the save indicator says everything is stored. */
export async function waitSaved(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="save-status"][data-state="saved"]', { timeout: 15_000 });
}

/** Boxes the canvas shows right now, in image pixels (read from the Konva nodes). */
export async function shownBoxes(page: Page): Promise<{ x: number; y: number; w: number; h: number }[]> {
  return page.evaluate(() =>
    (
      window as unknown as { __ridgeCanvas: { boxes(): { x: number; y: number; w: number; h: number }[] } }
    ).__ridgeCanvas
      .boxes()
      .map(({ x, y, w, h }) => ({ x, y, w, h })),
  );
}

/** Screen position of an image-pixel point on the canvas. */
export async function toScreen(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([ix, iy]) =>
      (
        window as unknown as { __ridgeCanvas: { toScreen(a: number, b: number): { x: number; y: number } } }
      ).__ridgeCanvas.toScreen(ix!, iy!),
    [x, y],
  );
}

/** Drag with the mouse between two image-pixel points (a real pointer gesture on the canvas). */
export async function dragImage(
  page: Page,
  from: [number, number],
  to: [number, number],
  steps = 8,
): Promise<void> {
  const a = await toScreen(page, from[0], from[1]);
  const b = await toScreen(page, to[0], to[1]);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps });
  await page.mouse.up();
}

/**
 * Wait until the Annotate canvas has mounted (its test probe is on window). The first mount loads the renderer's
 * annotate chunk and the image; on a 2-core machine shared with a training that took over 30 s (two CI failures),
 * so this one wait allows 90 s: it checks that the canvas comes, not how fast.
 */
export async function waitCanvas(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as { __ridgeCanvas?: unknown }).__ridgeCanvas, undefined, {
    timeout: 90_000,
  });
}
