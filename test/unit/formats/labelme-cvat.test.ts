import { describe, expect, it } from 'vitest';
import { parseCvat } from '../../../src/main/services/datasets/formats/cvat';
import { parseLabelme } from '../../../src/main/services/datasets/formats/labelme';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import { errors, problemMatching } from './helpers';

const lm = (shapes: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    imagePath: '..\\pics\\a.jpg',
    imageWidth: 640,
    imageHeight: 480,
    imageData: null,
    shapes,
    ...extra,
  });
const rect = (label: string, points: unknown) => ({ label, points, shape_type: 'rectangle', group_id: null });

describe('parseLabelme', () => {
  it('reads rectangles (corners in any order), sizes, Windows image paths; skips other shapes with a warning', () => {
    const s = memorySource({
      'ann/a.json': lm([
        rect('dog', [
          [30, 40],
          [10, 20],
        ]),
        {
          label: 'cat',
          points: [
            [1, 1],
            [2, 2],
            [3, 1],
          ],
          shape_type: 'polygon',
        },
        {
          label: 'cat',
          points: [
            [1, 1],
            [2, 2],
            [3, 1],
          ],
        },
      ]),
      'pics/a.jpg': '',
      'ann/labels.txt': '__ignore__\n_background_\ncat\ndog\n',
    });
    const p = parseLabelme(s, { dir: 'ann' });
    expect(errors(p)).toEqual([]);
    expect(p.classes).toEqual(['cat', 'dog']);
    expect(p.images[0]).toMatchObject({ file: 'pics/a.jpg', width: 640, height: 480 });
    expect(p.images[0]!.boxes).toEqual([
      { label: 'dog', x: 10, y: 20, w: 20, h: 20, origin: 'ann/a.json#shapes[0]' },
    ]);
    expect(problemMatching(p, /2 polygon shape/)).toMatchObject({ severity: 'warning', image: 'pics/a.jpg' });
  });

  const bad: [string, string, RegExp, Record<string, unknown>][] = [
    [
      'malformed JSON',
      '{\n"imagePath": "a.jpg",\n"shapes": [\n',
      /malformed JSON/,
      { line: 4, image: 'x/a.json' },
    ],
    [
      'a missing imagePath',
      JSON.stringify({ shapes: [] }),
      /imagePath/,
      { field: 'imagePath', image: 'x/a.json' },
    ],
    ['shapes not an array', lm([]).replace('"shapes":[]', '"shapes":1'), /shapes/, { field: 'shapes' }],
    [
      'a rectangle with one point',
      lm([rect('dog', [[1, 2]])]),
      /two \[x, y\] points/,
      { field: 'shapes[0].points', image: 'pics/a.jpg' },
    ],
    [
      'a rectangle without a label',
      lm([
        rect('', [
          [1, 2],
          [3, 4],
        ]),
      ]),
      /label/,
      { field: 'shapes[0].label' },
    ],
    ['a bad width', lm([], { imageWidth: -3 }), /imageWidth/, { field: 'imageWidth', image: 'pics/a.jpg' }],
    ['a missing image', lm([], { imagePath: 'gone.jpg' }), /not found/, { image: 'x/gone.jpg' }],
  ];
  for (const [what, text, re, at] of bad) {
    it(`reports ${what} as an error naming the file`, () => {
      const p = parseLabelme(memorySource({ 'x/a.json': text, 'pics/a.jpg': '' }));
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toMatchObject({ severity: 'error', file: 'x/a.json', ...at });
    });
  }
});

const cvat = (images: string) => `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <task>
      <labels>
        <label><name>person</name></label>
        <label><name>cat</name></label>
      </labels>
    </task>
  </meta>
${images}
</annotations>
`;

describe('parseCvat', () => {
  it('reads declared labels in order, boxes, flags from attributes, subsets; skips other shapes', () => {
    const s = memorySource({
      'c/annotations.xml': cvat(`  <image id="0" name="a.jpg" width="500" height="400" subset="Validation">
    <box label="cat" occluded="1" xtl="10.00" ytl="20.00" xbr="30.50" ybr="40.00" z_order="0">
      <attribute name="difficult">true</attribute>
    </box>
    <polygon label="person" points="1,2;3,4;5,6"></polygon>
  </image>
  <image id="1" name="b.jpg" width="10" height="10"></image>`),
      'c/images/a.jpg': '',
      'c/images/b.jpg': '',
    });
    const p = parseCvat(s, { dir: 'c' });
    expect(errors(p)).toEqual([]);
    expect(p.classes).toEqual(['person', 'cat']);
    expect(p.images.map((i) => [i.file, i.split, i.width, i.height])).toEqual([
      ['c/images/a.jpg', 'val', 500, 400],
      ['c/images/b.jpg', undefined, 10, 10],
    ]);
    expect(p.images[0]!.boxes).toEqual([
      { label: 'cat', x: 10, y: 20, w: 20.5, h: 20, difficult: true, origin: 'c/annotations.xml:13' },
    ]);
    expect(problemMatching(p, /polygon skipped/)).toMatchObject({ severity: 'warning' });
  });

  const bad: [string, string, RegExp, Record<string, unknown>][] = [
    ['malformed XML', cvat('<image name="a.jpg">\n</imag>'), /malformed XML at line 13/, { line: 13 }],
    [
      'an unknown label',
      cvat(
        '  <image name="a.jpg" width="5" height="5">\n    <box label="dog" xtl="1" ytl="1" xbr="2" ybr="2"/>\n  </image>',
      ),
      /unknown label "dog"/,
      { field: 'image[0].box[0]@label', line: 13, image: 'a.jpg' },
    ],
    [
      'a non-numeric coordinate',
      cvat(
        '  <image name="a.jpg" width="5" height="5">\n    <box label="cat" xtl="1" ytl="x" xbr="2" ybr="2"/>\n  </image>',
      ),
      /ytl "x" is not a number/,
      { field: 'image[0].box[0]@ytl', line: 13 },
    ],
    [
      'an image without a name',
      cvat('  <image width="5" height="5"></image>'),
      /no name/,
      { field: 'image[0]@name', line: 12 },
    ],
    ['a missing image', cvat('  <image name="zz.jpg"></image>'), /not found/, { image: 'zz.jpg' }],
  ];
  for (const [what, text, re, at] of bad) {
    it(`reports ${what} as an error naming the file`, () => {
      const p = parseCvat(memorySource({ 'annotations.xml': text, 'a.jpg': '' }));
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toMatchObject({
        severity: 'error',
        file: 'annotations.xml',
        ...at,
      });
    });
  }
});
