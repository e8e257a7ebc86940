import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/services/project/project';
import { ridge } from '../../helpers/cli';
import { folderBytes, pagesOf, projectWithRows, rewriteInPage, scramblePage } from '../../helpers/damage';
import { writeImage } from '../../helpers/images';
import { makeTmpDir } from '../../helpers/tmp';

// A project file that is newer, foreign, not a database, or damaged is refused before anything is written to it:
// the folder is byte for byte what it was, and the message names the file and what to do.

let tmp: ReturnType<typeof makeTmpDir>;
let project: string;
let file: string;
let photos: string;

beforeEach(async () => {
  tmp = makeTmpDir();
  project = path.join(tmp.dir, 'p');
  file = path.join(project, 'project.ridge');
  photos = path.join(tmp.dir, 'photos');
  await writeImage(path.join(photos, 'a.jpg'), 32, 24, { seed: 3 });
});
afterEach(() => tmp.cleanup());

/** `ridge stats` and `ridge import` both refuse with exit 1 and `pattern`, and the folder stays byte-identical. */
function expectRefusedUntouched(pattern: RegExp): void {
  const before = folderBytes(project);
  for (const args of [
    ['stats', project],
    ['import', project, '--format', 'images', '--from', photos],
  ]) {
    const r = ridge(args);
    expect(r.code, `${args[0]}: ${r.stderr}`).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/internal error|please report/);
    expect(folderBytes(project), `${args[0]} changed the folder`).toEqual(before);
  }
  expect(() => Project.open(project)).toThrow(pattern);
  expect(folderBytes(project)).toEqual(before);
}

describe('a file this build must not write to is refused before anything is written', () => {
  it('a project from a newer version in rollback-journal mode: no switch to WAL, no change at all', () => {
    Project.init(project).close();
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('user_version = 99');
    raw.close();
    expectRefusedUntouched(/newer Ridge Studio \(schema v99/);
  });

  it('an empty file (0 bytes) named project.ridge', () => {
    mkdirSync(project);
    writeFileSync(file, '');
    expectRefusedUntouched(/empty file, not a Ridge Studio project/);
  });

  it('an empty SQLite database (a header, no tables): no schema is written into it', () => {
    mkdirSync(project);
    const raw = new Database(file);
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    raw.close();
    expectRefusedUntouched(/an SQLite file but not a Ridge Studio project/);
  });

  it('a foreign SQLite database', () => {
    mkdirSync(project);
    const raw = new Database(file);
    raw.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
    raw.close();
    expectRefusedUntouched(/an SQLite file but not a Ridge Studio project/);
  });

  it('a file that is not a database at all', () => {
    mkdirSync(project);
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    expectRefusedUntouched(/not an SQLite database/);
  });
});

describe('a damaged project is refused with the way out, and nothing is written into it', () => {
  it('random bytes in a table page', () => {
    projectWithRows(project, 300, 10);
    const leaves = pagesOf(file, 'annotation', 'leaf');
    scramblePage(file, leaves[Math.floor(leaves.length / 2)]!);
    expectRefusedUntouched(/is damaged[\s\S]*ridge doctor .* --repair/);
  });

  it('an index page that no longer matches its table (quick_check misses it; the open check does not)', () => {
    projectWithRows(project, 300, 2);
    const [page] = pagesOf(file, 'image_split', 'leaf');
    expect(rewriteInPage(file, page!, 'train', 'trbin')).toBeGreaterThan(0);
    const raw = new Database(file, { fileMustExist: true });
    expect(raw.pragma('quick_check', { simple: true })).toBe('ok');
    expect(raw.pragma('integrity_check', { simple: true })).not.toBe('ok');
    raw.close();
    expectRefusedUntouched(/is damaged[\s\S]*ridge doctor .* --repair/);
  });
});
