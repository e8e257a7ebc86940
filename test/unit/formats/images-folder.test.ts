import { describe, expect, it } from 'vitest';
import { parseImagesFolder } from '../../../src/main/services/datasets/formats/images-folder';
import { memorySource } from '../../../src/main/services/datasets/formats/source';

describe('parseImagesFolder', () => {
  it('lists image files recursively, with splits from train/val/test folders', () => {
    const s = memorySource({
      'ds/x.JPG': '',
      'ds/notes.txt': '',
      'ds/train/cats/a.png': '',
      'ds/valid/b.webp': '',
      'ds/test/c.tiff': '',
      'other/d.jpg': '',
    });
    const p = parseImagesFolder(s, { dir: 'ds' });
    expect(p.problems).toEqual([]);
    expect(p.classes).toEqual([]);
    expect(p.images.map((i) => [i.file, i.split])).toEqual([
      ['ds/x.JPG', undefined],
      ['ds/test/c.tiff', 'test'],
      ['ds/train/cats/a.png', 'train'],
      ['ds/valid/b.webp', 'val'],
    ]);
    expect(p.images.every((i) => i.boxes.length === 0 && i.units === 'pixels')).toBe(true);
  });

  it('ignores split names above the dataset folder and reports an empty folder', () => {
    const s = memorySource({ 'train/ds/a.jpg': '' });
    expect(parseImagesFolder(s, { dir: 'train/ds' }).images[0]!.split).toBeUndefined();
    expect(parseImagesFolder(memorySource({ 'a.txt': '' })).problems[0]).toMatchObject({ severity: 'error' });
  });
});
