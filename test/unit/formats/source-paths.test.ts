import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonErrorOffset, lineColAt } from '../../../src/main/services/datasets/formats/json';
import {
  joinRel,
  normalizeRel,
  pathSuffixes,
  splitFromFileName,
  splitFromPath,
} from '../../../src/main/services/datasets/formats/paths';
import { fsSource, memorySource, walkFiles } from '../../../src/main/services/datasets/formats/source';

describe('paths', () => {
  it('normalizes and refuses paths that leave the root', () => {
    expect(normalizeRel('./a//b\\c.jpg')).toBe('a/b/c.jpg');
    expect(normalizeRel('a/../b.jpg')).toBe('b.jpg');
    expect(normalizeRel('../b.jpg')).toBeNull();
    expect(normalizeRel('/etc/passwd')).toBeNull();
    expect(normalizeRel('C:\\x.jpg')).toBeNull();
    expect(joinRel('images', '../x.jpg')).toBe('x.jpg');
    expect(joinRel('', '..', 'x')).toBeNull();
  });

  it('finds splits in folders and file names', () => {
    expect(splitFromPath('images/val/a.jpg')).toBe('val');
    expect(splitFromPath('Valid/sub/a.jpg')).toBe('val');
    expect(splitFromPath('train.jpg')).toBeUndefined();
    expect(splitFromFileName('instances_val2017.json')).toBe('val');
    expect(splitFromFileName('train.txt')).toBe('train');
    expect(splitFromFileName('instances_default.json')).toBeUndefined();
    expect(splitFromFileName('trainval.txt')).toBeUndefined();
    expect(splitFromFileName('contest.json')).toBeUndefined();
  });

  it('lists suffixes of stale paths', () => {
    expect(pathSuffixes('data/obj/a.jpg')).toEqual(['data/obj/a.jpg', 'obj/a.jpg', 'a.jpg']);
    expect(pathSuffixes('C:\\x\\a.jpg')).toEqual(['x/a.jpg', 'a.jpg']);
  });
});

describe('json positions', () => {
  it('finds the first syntax error offset', () => {
    expect(jsonErrorOffset('{"a": [1, 2, {"b": null}], "c": "x\\u00e9"}')).toBe(-1);
    expect(jsonErrorOffset('{"a": }')).toBe(6);
    expect(jsonErrorOffset('[1, 2,]')).toBe(6);
    expect(jsonErrorOffset('{"a": 1} x')).toBe(9);
    expect(jsonErrorOffset('"abc')).toBe(4);
    expect(lineColAt('ab\ncd\nef', 7)).toEqual({ line: 3, col: 2 });
  });
});

describe('sources', () => {
  it('memorySource lists files and folders and strips a BOM', () => {
    const s = memorySource({ 'a.txt': '\ufeffhi', 'd/b.txt': '', 'd/e/c.txt': '' });
    expect(s.list('')).toEqual(['a.txt']);
    expect(s.listDirs('')).toEqual(['d']);
    expect(s.list('d')).toEqual(['b.txt']);
    expect(s.listDirs('d')).toEqual(['e']);
    expect(s.list('nope')).toEqual([]);
    expect(s.exists('d/b.txt')).toBe(true);
    expect(s.exists('d')).toBe(false);
    expect(s.readText('a.txt')).toBe('hi');
    expect(() => s.readText('zz')).toThrow();
    expect(walkFiles(s, '')).toEqual(['a.txt', 'd/b.txt', 'd/e/c.txt']);
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'ridge-fmt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fsSource reads a real folder and never leaves it', () => {
    mkdirSync(path.join(dir, 'root', 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'root', 'a.txt'), '\ufeffhello');
    writeFileSync(path.join(dir, 'root', 'sub', 'b.jpg'), '');
    writeFileSync(path.join(dir, 'secret.txt'), 'no');
    const s = fsSource(path.join(dir, 'root'));
    expect(s.list('')).toEqual(['a.txt']);
    expect(s.listDirs('')).toEqual(['sub']);
    expect(s.list('sub')).toEqual(['b.jpg']);
    expect(s.exists('sub/b.jpg')).toBe(true);
    expect(s.exists('sub')).toBe(false);
    expect(s.readText('a.txt')).toBe('hello');
    expect(s.exists('../secret.txt')).toBe(false);
    expect(() => s.readText('../secret.txt')).toThrow();
    expect(s.list('missing')).toEqual([]);
  });
});
