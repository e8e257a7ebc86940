import { describe, expect, it } from 'vitest';
import {
  abortSummary,
  importSource,
  pickedFolder,
  problemLine,
} from '../../../src/renderer/src/features/dataset/import-plan';

// What the import card reads after an upload: the picked folder for folder formats (YOLO, VOC), the one JSON for
// COCO/CreateML; problems named relative to the upload, in the page's words.
const f = (path: string) => ({ path, size: 1 });
const staged = '/p/.staging/b1';

describe('the import plan of a browser upload', () => {
  it('imports from the picked folder (YOLO, VOC) or its one annotation file (COCO)', () => {
    const yolo = ['my-yolo/data.yaml', 'my-yolo/images/train/a.jpg', 'my-yolo/labels/train/a.txt'].map(f);
    expect(pickedFolder(yolo)).toBe('my-yolo');
    expect(importSource('yolo', yolo, staged)).toBe(`${staged}/my-yolo`);
    const voc = ['VOC2012/Annotations/a.xml', 'VOC2012/JPEGImages/a.jpg'].map(f);
    expect(importSource('voc', voc, staged)).toBe(`${staged}/VOC2012`);
    const coco = ['ds/annotations/instances.json', 'ds/images/a.jpg'].map(f);
    expect(importSource('coco', coco, staged)).toBe(`${staged}/ds/annotations/instances.json`);
    const loose = ['a.jpg', 'b.jpg'].map(f);
    expect(pickedFolder(loose)).toBeNull();
    expect(importSource('images', loose, staged)).toBe(staged);
  });

  it('names each problem by its path in the upload, with its line; never a CLI flag', () => {
    const p = {
      severity: 'error' as const,
      file: `${staged}/my-yolo/labels/train/a.txt`,
      line: 2,
      message: 'bad',
    };
    expect(problemLine(p, staged)).toBe('my-yolo/labels/train/a.txt, line 2: bad');
    expect(problemLine({ ...p, file: '/elsewhere/x.json' }, staged)).toBe('/elsewhere/x.json, line 2: bad');
    const two = [p, { ...p, line: 3 }];
    expect(abortSummary(two, false, false)).toMatch(/^Nothing was imported: 2 problems, listed below\. Tick/);
    expect(abortSummary([p], true, true)).toMatch(/whole file, so skipping bad files cannot get past it/);
    for (const s of [abortSummary(two, false, false), abortSummary(two, true, false)])
      expect(s).not.toMatch(/--/);
  });
});
