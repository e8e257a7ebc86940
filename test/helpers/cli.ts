import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { REPO_ROOT } from './paths';
import { makeTmpDir } from './tmp';

/** What one `ridge` run printed and returned. */
export interface RidgeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `ridge` CLI (out/cli/ridge.cjs, built by the global setup) as a user would. */
export function ridge(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeout?: number } = {},
): RidgeRun {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...opts.env },
    timeout: opts.timeout ?? 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `ridge sample` into <fresh temp folder>/p, checked: the CLI-driven run tests each start from one. */
export function ridgeSampleProject(...sampleArgs: string[]): {
  tmp: ReturnType<typeof makeTmpDir>;
  dir: string;
} {
  const tmp = makeTmpDir();
  const dir = path.join(tmp.dir, 'p');
  expect(ridge(['sample', dir, ...sampleArgs]).code).toBe(0);
  return { tmp, dir };
}

function listFiles(dir: string, base = dir): string[] {
  let out: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const abs = path.join(dir, n);
    if (statSync(abs).isDirectory()) out = out.concat(listFiles(abs, base));
    else out.push(path.relative(base, abs));
  }
  return out.sort();
}

/** Everything a project holds (rows of every table, files under images/), to prove an aborted import changed nothing. */
export function projectSnapshot(dir: string): string {
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all() as { name: string }[]
  ).map((t) => t.name);
  const rows: Record<string, unknown[]> = {};
  for (const t of tables) rows[t] = db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all();
  db.close();
  return JSON.stringify({ rows, files: listFiles(path.join(dir, 'images')) });
}

/**
 * `ridge predict` of a run's model on the test images of a COCO export (`ridge export --format coco`), at the low
 * score threshold the run's own test evaluation decodes with; writes the detections to `out`.
 */
export function predictOnTest(
  dir: string,
  runId: string,
  exportDir: string,
  out: string,
  opts: { env?: Record<string, string>; extra?: string[] } = {},
): void {
  const images = path.join(exportDir, 'images', 'test');
  const args = ['predict', dir, '--run', runId, '--images', images, '--out', out, '--score', '0.01'];
  const r = ridge([...args, ...(opts.extra ?? [])], opts.env ? { env: opts.env } : {});
  expect(r.code, r.stderr).toBe(0);
}

/** `ridge eval --json` of detections against a COCO export's test annotations: the figures a user gets. */
export function evalOnTest(
  exportDir: string,
  dets: string,
): Record<string, unknown> & { AP50: number; AP: number } {
  const gt = path.join(exportDir, 'annotations', 'instances_test.json');
  const r = ridge(['eval', '--gt', gt, '--dets', dets, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown> & { AP50: number; AP: number };
}
