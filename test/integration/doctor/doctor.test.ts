import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../src/main/services/doctor/doctor';
import { removeImages } from '../../../src/main/services/labeling/removal';
import { Project } from '../../../src/main/services/project/project';
import { ridge } from '../../helpers/cli';
import { folderBytes, pagesOf, projectWithRows, rewriteInPage, scramblePage } from '../../helpers/damage';
import { writeImage } from '../../helpers/images';
import { startRidge } from '../../helpers/ridge-process';
import { filesBelow, storeState } from '../../helpers/store-check';
import { makeTmpDir } from '../../helpers/tmp';

// `ridge doctor <dir> [--repair] [--json]` on the troubles it exists for: each is found (exit 1, listed), repaired
// (exit 0), and found no more.

let tmp: ReturnType<typeof makeTmpDir>;
let project: string;
beforeEach(() => {
  tmp = makeTmpDir();
  project = path.join(tmp.dir, 'p');
});
afterEach(() => tmp.cleanup());

function doctor(...extra: string[]): { code: number | null; report: DoctorReport; stderr: string } {
  const r = ridge(['doctor', project, '--json', ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout) as DoctorReport, stderr: r.stderr };
}

const kinds = (r: DoctorReport) => r.problems.map((p) => p.kind).sort();

async function importedProject(names: string[]): Promise<string> {
  const photos = path.join(tmp.dir, 'photos');
  for (const [i, n] of names.entries()) await writeImage(path.join(photos, n), 24, 16, { seed: 40 + i });
  expect(ridge(['init', project]).code).toBe(0);
  const r = ridge(['import', project, '--format', 'images', '--from', photos, '--split', 'train']);
  expect(r.code, r.stderr).toBe(0);
  return photos;
}

describe('ridge doctor', () => {
  it('a sound project: exit 0, in words and in JSON', async () => {
    await importedProject(['a.jpg', 'b.jpg']);
    const words = ridge(['doctor', project]);
    expect(words.code, words.stderr).toBe(0);
    expect(words.stdout).toContain('no problems found');
    const { code, report } = doctor();
    expect(code).toBe(0);
    expect(report.problems).toEqual([]);
  });

  it('a missing file, an orphan and a file only a run manifest names: found, repaired without deleting anything', async () => {
    await importedProject(['a.jpg', 'b.jpg', 'c.jpg']);
    rmSync(path.join(project, 'images/b.jpg'));
    writeFileSync(path.join(project, 'images/stray.jpg'), 'left here by hand');
    writeFileSync(path.join(project, 'images/trained-on.jpg'), 'a run used me');
    mkdirSync(path.join(project, 'runs/r1'), { recursive: true });
    const manifest = { classes: [], images: [{ id: 99, file: path.join(project, 'images/trained-on.jpg') }] };
    writeFileSync(path.join(project, 'runs/r1/manifest.json'), JSON.stringify(manifest));

    const found = doctor();
    expect(found.code).toBe(1);
    expect(kinds(found.report)).toEqual(['missing-file', 'orphan-file']);
    expect(found.report.problems.map((p) => p.message).join('\n')).toMatch(
      /images\/b\.jpg[\s\S]*images\/stray\.jpg/,
    );
    expect(found.report.notes.join('\n')).toContain(
      "images/trained-on.jpg: no image row, but run r1's manifest",
    );
    const words = ridge(['doctor', project]);
    expect(words.code).toBe(1);
    expect(words.stdout).toContain('problem: orphan-file: images/stray.jpg');

    const fixed = doctor('--repair');
    expect(fixed.code, JSON.stringify(fixed.report)).toBe(0);
    expect(fixed.report.problems).toEqual([]);
    const trash = filesBelow(path.join(project, '.trash'));
    expect(trash.some((f) => f.endsWith('images/stray.jpg'))).toBe(true);
    const record = trash.find((f) => f.endsWith('images-without-files.json'))!;
    const dropped = JSON.parse(readFileSync(path.join(project, '.trash', record), 'utf8')) as {
      image: { path: string };
    }[];
    expect(dropped.map((d) => d.image.path)).toEqual(['images/b.jpg']);
    expect(existsSync(path.join(project, 'images/trained-on.jpg'))).toBe(true);
    expect(storeState(project).rows.map((r) => r.path)).toEqual(['images/a.jpg', 'images/c.jpg']);
    expect(doctor().code).toBe(0);
  });

  it('an image removed in the studio (undoable) keeps its file: not an orphan, and --repair leaves it', async () => {
    await importedProject(['a.jpg', 'b.jpg']);
    const p = Project.open(project);
    removeImages(p, [p.images.byPath('images/b.jpg')!.id]);
    p.close();
    expect(doctor().code).toBe(0);
    expect(doctor('--repair').code).toBe(0);
    expect(filesBelow(path.join(project, 'images'))).toEqual(['a.jpg', 'b.jpg']);
  });

  it('a copy renamed by hand: the row gets its file back, with its boxes', async () => {
    await importedProject(['a.jpg', 'b.jpg']);
    renameSync(path.join(project, 'images/a.jpg'), path.join(project, 'images/renamed.jpg'));
    expect(kinds(doctor().report)).toEqual(['missing-file', 'orphan-file']);
    const fixed = doctor('--repair');
    expect(fixed.code).toBe(0);
    expect(fixed.report.repaired.join('\n')).toContain('moved it back to images/a.jpg');
    expect(storeState(project)).toMatchObject({ broken: [], orphans: [] });
    expect(storeState(project).rows).toHaveLength(2);
  });

  it('what an import killed mid-commit left: reported as such (not as orphans), then removed', async () => {
    const photos = await importedProject(['a.jpg']);
    for (const n of ['x.jpg', 'y.jpg'])
      await writeImage(path.join(photos, 'more', n), 24, 16, { seed: n.length + n.charCodeAt(0) });
    const killed = startRidge(
      ['import', project, '--format', 'images', '--from', path.join(photos, 'more')],
      {
        pause: 'import:publish-locked',
      },
    );
    await killed.pausedAt('import:publish-locked');
    killed.child.kill('SIGKILL');
    await killed.exited;

    const found = doctor();
    expect(found.code).toBe(1);
    expect(kinds(found.report)).toEqual(['staged-import']);
    expect(found.report.problems[0]!.message).toMatch(
      /2 files it had moved into images\/ but never committed/,
    );
    const fixed = doctor('--repair');
    expect(fixed.code).toBe(0);
    expect(filesBelow(path.join(project, 'images'))).toEqual(['a.jpg']);
    expect(filesBelow(path.join(project, '.import-staging'))).toEqual([]);
  });

  it('a damaged index: doctor finds it without writing, --repair rebuilds the indexes and keeps the damaged copy', () => {
    projectWithRows(project, 300, 2, true);
    const file = path.join(project, 'project.ridge');
    rewriteInPage(file, pagesOf(file, 'image_split', 'leaf')[0]!, 'train', 'trbin');
    writeFileSync(path.join(project, 'project.ridge.v1-2026-01-01T00-00-00-000Z.bak'), 'an old copy');
    const before = folderBytes(project);
    const found = doctor();
    expect(found.code).toBe(1);
    expect(kinds(found.report)).toEqual(['damage']);
    expect(found.report.problems[0]!.message).toContain('project.ridge.v1-2026-01-01T00-00-00-000Z.bak');
    expect(folderBytes(project)).toEqual(before);

    const fixed = doctor('--repair');
    expect(fixed.code, JSON.stringify(fixed.report)).toBe(0);
    expect(fixed.report.repaired[0]).toMatch(/rebuilt the indexes .* kept as project\.ridge\.damaged-/);
    expect(readdirSync(project).some((f) => /^project\.ridge\.damaged-/.test(f))).toBe(true);
    const stats = ridge(['stats', project, '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ images: 300, annotations: 600 });
  });

  it('random bytes in a table page: --repair recovers the readable rows into a new file, keeping the damaged one', () => {
    projectWithRows(project, 300, 10, true);
    const file = path.join(project, 'project.ridge');
    const leaves = pagesOf(file, 'annotation', 'leaf');
    scramblePage(file, leaves[Math.floor(leaves.length / 2)]!);
    expect(kinds(doctor().report)).toEqual(['damage']);

    const fixed = doctor('--repair');
    expect(fixed.code, JSON.stringify(fixed.report)).toBe(0);
    expect(fixed.report.repaired.join('\n')).toMatch(
      /recovered what could be read into a new project\.ridge/,
    );
    const kept = readdirSync(project).find((f) => /^project\.ridge\.damaged-[^-]*.*[^l]$/.test(f))!;
    expect(kept).toBeDefined();
    const stats = ridge(['stats', project, '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    const s = JSON.parse(stats.stdout) as { images: number; annotations: number };
    expect(s.images).toBe(300);
    expect(s.annotations).toBeGreaterThan(2500); // one page of ~3,000 boxes is lost, the rest is there
    expect(s.annotations).toBeLessThan(3000);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('a damaged schema page: every table is lost, so the images stay where they are until a second --repair', () => {
    projectWithRows(project, 20, 1, true);
    const file = path.join(project, 'project.ridge');
    const bytes = readFileSync(file);
    for (let i = 100; i < 4096; i++) bytes[i] = (i * 37) & 255; // page 1 after the file header
    writeFileSync(file, bytes);
    const first = doctor('--repair');
    expect(first.code).toBe(1);
    expect(first.report.repaired.join('\n')).toMatch(/image: could not be read at all/);
    expect(first.report.notes.join('\n')).toMatch(/left where they are/);
    expect(filesBelow(path.join(project, 'images'))).toHaveLength(20);
    const second = doctor('--repair');
    expect(second.code).toBe(0);
    expect(filesBelow(path.join(project, 'images'))).toEqual([]);
    expect(filesBelow(path.join(project, '.trash')).filter((f) => f.includes('/images/'))).toHaveLength(20);
  });

  it('a file from a newer version: reported, and left alone even with --repair', () => {
    projectWithRows(project, 3, 1, true);
    const raw = new Database(path.join(project, 'project.ridge'));
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 99');
    raw.close();
    const before = folderBytes(project);
    const r = doctor('--repair');
    expect(r.code).toBe(1);
    expect(r.report.problems[0]).toMatchObject({ kind: 'unreadable' });
    expect(r.report.problems[0]!.message).toMatch(/newer Ridge Studio/);
    expect(folderBytes(project)).toEqual(before);
  });
});
