import { describe, expect, it } from 'vitest';
import { detectFormat, parseDataset, writeDataset } from '../../../src/main/services/datasets/formats/index';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import type { ExportFormat } from '../../../src/shared/domain/formats';
import { expectRoundTrip, planSource, sampleExport } from './helpers';

describe('detectFormat / parseDataset / writeDataset', () => {
  const formats: ExportFormat[] = ['coco', 'yolo', 'voc', 'createml'];
  for (const format of formats) {
    it(`detects and reads back its own ${format} export`, () => {
      const ds = sampleExport();
      const source = planSource(writeDataset(format, ds));
      expect(detectFormat(source)).toBe(format);
      expectRoundTrip(parseDataset(source, format), ds, {
        normalized: format === 'yolo',
        flags: format === 'coco' || format === 'voc',
      });
    });
  }

  it('detects the other layouts', () => {
    expect(detectFormat(memorySource({ 'obj.names': 'a\n', 'train.txt': '' }))).toBe('yolo');
    expect(
      detectFormat(memorySource({ 'a.xml': '<annotation><filename>a.jpg</filename></annotation>' })),
    ).toBe('voc');
    expect(
      detectFormat(memorySource({ 'annotations.xml': '<annotations><version>1.1</version></annotations>' })),
    ).toBe('cvat');
    expect(detectFormat(memorySource({ 'a.json': '{"imagePath": "a.jpg", "shapes": []}' }))).toBe('labelme');
    expect(detectFormat(memorySource({ 'x.json': '{"images": [], "categories": []}' }))).toBe('coco');
    expect(detectFormat(memorySource({ 'p/a.jpg': '' }))).toBe('images');
    expect(detectFormat(memorySource({ 'readme.md': '' }))).toBeNull();
  });

  it('passes a named file and an images folder through', () => {
    const s = memorySource({
      'c.json': JSON.stringify({ images: [{ id: 1, file_name: 'a.jpg' }], categories: [], annotations: [] }),
      'pics/a.jpg': '',
    });
    const p = parseDataset(s, 'coco', { file: 'c.json', images: 'pics' });
    expect(p.images.map((i) => i.file)).toEqual(['pics/a.jpg']);
  });
});
