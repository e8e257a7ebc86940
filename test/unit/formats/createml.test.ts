import { describe, expect, it } from 'vitest';
import { parseCreateml, writeCreateml } from '../../../src/main/services/datasets/formats/createml';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import { expectRoundTrip, planSource, problemMatching, sampleExport } from './helpers';

const doc = [
  { image: 'a.jpg', annotations: [{ label: 'dog', coordinates: { x: 50, y: 40, width: 20, height: 10 } }] },
  { image: 'b.jpg', annotations: [] },
];

describe('parseCreateml', () => {
  it('converts center coordinates to top-left and finds images beside the JSON', () => {
    const s = memorySource({ 'set/ann.json': JSON.stringify(doc), 'set/a.jpg': '', 'set/b.jpg': '' });
    const p = parseCreateml(s, { dir: 'set' });
    expect(p.problems).toEqual([]);
    expect(p.classes).toEqual(['dog']);
    expect(p.images.map((i) => i.file)).toEqual(['set/a.jpg', 'set/b.jpg']);
    expect(p.images[0]!.boxes[0]).toMatchObject({ label: 'dog', x: 40, y: 35, w: 20, h: 10 });
    expect(p.images[0]!.width).toBeUndefined();
  });

  const bad: [string, string, RegExp, Record<string, unknown>][] = [
    ['malformed JSON', '[\n {"image": "a.jpg",\n  "annotations": [}\n]', /malformed JSON/, { line: 3 }],
    ['a non-array file', '{"image": "a.jpg"}', /JSON array/, {}],
    ['a missing image name', JSON.stringify([{ annotations: [] }]), /image must be/, { field: '[0].image' }],
    [
      'bad coordinates',
      JSON.stringify([
        { image: 'a.jpg', annotations: [{ label: 'x', coordinates: { x: 1, y: 2, width: 'w', height: 1 } }] },
      ]),
      /coordinates/,
      { field: '[0].annotations[0].coordinates', image: 'a.jpg' },
    ],
    [
      'a missing label',
      JSON.stringify([
        { image: 'a.jpg', annotations: [{ coordinates: { x: 1, y: 2, width: 1, height: 1 } }] },
      ]),
      /label/,
      { field: '[0].annotations[0].label', image: 'a.jpg' },
    ],
    [
      'a missing image file',
      JSON.stringify([{ image: 'zz.jpg', annotations: [] }]),
      /not found/,
      { image: 'zz.jpg' },
    ],
  ];
  for (const [what, text, re, at] of bad) {
    it(`reports ${what} as an error naming the file`, () => {
      const p = parseCreateml(memorySource({ 'ann.json': text, 'a.jpg': '' }));
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toMatchObject({ severity: 'error', file: 'ann.json', ...at });
    });
  }
});

describe('writeCreateml', () => {
  it('writes {split}/annotations.json with images beside it, and round-trips', () => {
    const ds = sampleExport();
    const plan = writeCreateml(ds);
    expect(plan.texts.map((t) => t.path)).toEqual([
      'train/annotations.json',
      'val/annotations.json',
      'test/annotations.json',
      'classes.txt',
    ]);
    expect(JSON.parse(plan.texts[2]!.content)[0].annotations[0].coordinates).toEqual({
      x: 1910,
      y: 1040,
      width: 20,
      height: 80,
    });
    expect(plan.copies).toContainEqual({ from: '/src/c.jpg', to: 'val/c.jpg' });
    expectRoundTrip(parseCreateml(planSource(plan)), ds);
  });
});
