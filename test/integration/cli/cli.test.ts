import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridge } from '../../helpers/cli';
import { REPO_ROOT } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

let tmp: ReturnType<typeof makeTmpDir>;
beforeAll(() => (tmp = makeTmpDir()));
afterAll(() => tmp.cleanup());

describe('ridge init / sample / stats', () => {
  it('stats --json is exactly one document with the documented keys, classes in project order', () => {
    const dir = path.join(tmp.dir, 's1');
    const r = ridge(['sample', dir, '--images', '40', '--seed', '5']);
    expect(r.code, r.stderr).toBe(0);
    const s = ridge(['stats', dir, '--json']);
    expect(s.code).toBe(0);
    const doc = JSON.parse(s.stdout) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['annotations', 'classes', 'images', 'splits']);
    expect(doc.images).toBe(40);
    expect(doc.splits).toEqual({ train: 28, val: 6, test: 6 });
    const classes = doc.classes as { name: string; count: number }[];
    expect(classes.map((c) => c.name)).toEqual(['circle', 'square', 'triangle', 'cross', 'star', 'ring']);
    expect(classes.reduce((n, c) => n + c.count, 0)).toBe(doc.annotations);
  });

  it('sample is deterministic by seed: same seed, same files and boxes; another seed differs', () => {
    const a = path.join(tmp.dir, 'da');
    const b = path.join(tmp.dir, 'db');
    const c = path.join(tmp.dir, 'dc');
    for (const [dir, seed] of [
      [a, '9'],
      [b, '9'],
      [c, '10'],
    ] as const) {
      expect(ridge(['sample', dir, '--images', '10', '--seed', seed]).code).toBe(0);
    }
    const file = 'images/sample-seed9/sample_00003.jpg';
    expect(readFileSync(path.join(a, file)).equals(readFileSync(path.join(b, file)))).toBe(true);
    const stats = (d: string) => ridge(['stats', d, '--json']).stdout;
    expect(stats(a)).toBe(stats(b));
    expect(stats(c)).not.toBe(stats(a));
  });

  it('sample fills an existing project and skips what it already holds', () => {
    const dir = path.join(tmp.dir, 'fill');
    expect(ridge(['init', dir, '--name', 'Mine']).code).toBe(0);
    expect(ridge(['sample', dir, '--images', '5', '--seed', '1']).code).toBe(0);
    const again = ridge(['sample', dir, '--images', '8', '--seed', '1', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ images: 3, alreadyPresent: 5 });
    expect(JSON.parse(ridge(['stats', dir, '--json']).stdout).images).toBe(8);
  });
});

describe('errors and exit codes', () => {
  it('an unknown command or flag is a one-line user error, exit 1', () => {
    for (const args of [
      ['frobnicate'],
      ['stats', '--bogus'],
      ['sample', path.join(tmp.dir, 'x'), '--images', 'many'],
    ]) {
      const r = ridge(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^error: /);
    }
  });

  it("`ridge <command> --help` prints that command's line of `ridge help`, exit 0", () => {
    const help = ridge(['help']).stdout;
    for (const args of [
      ['train', '--help'],
      ['import', '-h'],
    ]) {
      const r = ridge(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^ridge ${args[0]} <dir> `));
      expect(help).toContain(`  ${r.stdout.trim()}\n`);
    }
  });

  it('--json errors are one JSON document on stdout with the file', () => {
    const r = ridge(['stats', path.join(tmp.dir, 'nothing-here'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        message: expect.stringMatching(/not a Ridge Studio project/),
        file: path.join(tmp.dir, 'nothing-here'),
      },
    });
  });

  it('a project database from a newer version is refused with exit 1 and left alone', () => {
    const dir = path.join(tmp.dir, 'newer');
    expect(ridge(['init', dir]).code).toBe(0);
    const db = path.join(dir, 'project.ridge');
    const r0 = spawnSync(
      'node',
      [
        '-e',
        `const D=require('better-sqlite3'); const d=new D(${JSON.stringify(db)}); d.pragma('user_version = 99'); d.close()`,
      ],
      { cwd: REPO_ROOT },
    );
    expect(r0.status).toBe(0);
    const r = ridge(['stats', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/newer Ridge Studio \(schema v99/);
  });

  it('a file that is not a project database is refused, not overwritten', () => {
    const dir = path.join(tmp.dir, 'fake');
    expect(ridge(['init', dir]).code).toBe(0);
    writeFileSync(path.join(dir, 'project.ridge'), 'hello, I am text');
    const r = ridge(['stats', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /project.ridge is not an SQLite database, so not a Ridge Studio project; it was not changed/,
    );
    expect(readFileSync(path.join(dir, 'project.ridge'), 'utf8')).toBe('hello, I am text');
  });
});

describe("the README's main job", () => {
  it('npm run demo (data half): a sample project and its COCO export/import print the same stats', () => {
    const out = path.join(tmp.dir, 'demo');
    const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts/demo.sh'), out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
      // the training half is the next test; here only the data round trip
      env: { ...process.env, RIDGE_DEMO_SKIP_TRAIN: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/== training/);
    const [, first, second] = r.stdout.split(/== .* ==\n/);
    expect(first).toMatch(/images\s+200 \(train 140, val 30, test 30\)/);
    expect(second!.replace("'reimported'", "'sample'").trim()).toBe(first!.trim());
  }, 240_000);

  it('ridge demo --quick (training half): none vs L2 vs weight decay over 2 seeds, the table, verdicts, report.html', () => {
    const out = path.join(tmp.dir, 'demo-quick');
    const r = ridge(['demo', '--quick', '--out', out], { timeout: 900_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^arm\s+runs\s+test mAP50 %/m);
    expect(r.stdout).toMatch(/^none\s+2\s+\d/m);
    expect(r.stdout).toMatch(/^l2=0\.0001\s+2\s+\d/m);
    expect(r.stdout).toMatch(/^wd=0\.001\s+2\s+\d/m);
    expect(r.stdout).toMatch(/verdict \(test split, 24 images, 1000 bootstrap resamples\):\n\s+L2 1e-4 /);
    expect(r.stdout).toMatch(/^\s+weight decay 0\.001 /m);
    expect(r.stdout).toMatch(/saliencyInBox scored on 12 of the 24 test images/);
    expect(r.stdout).toMatch(/open it in the studio: npx ridge serve /);
    const report = /report: (.+\.html)/.exec(r.stdout)![1]!;
    expect(readFileSync(report, 'utf8')).toContain('uPlot');
    const runs = JSON.parse(ridge(['runs', path.join(out, 'project'), '--json']).stdout) as {
      status: string;
      backend: string;
    }[];
    expect(runs.map((x) => x.status)).toEqual(Array(6).fill('done'));
    expect(new Set(runs.map((x) => x.backend))).toEqual(new Set(['tfjs-node']));
  }, 900_000);
});
