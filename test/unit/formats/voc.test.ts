import { describe, expect, it } from 'vitest';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import { parseVoc, writeVoc } from '../../../src/main/services/datasets/formats/voc';
import { errors, expectRoundTrip, planSource, problemMatching, sampleExport } from './helpers';

const xml = (objects: string, head = '<filename>a.jpg</filename>') => `<annotation>
  <folder>VOC2012</folder>
  ${head}
  <size><width>500</width><height>375</height><depth>3</depth></size>
${objects}
</annotation>
`;
const obj = (name: string, b: [string, string, string, string], flags = '') => `  <object>
    <name>${name}</name>${flags}
    <bndbox><xmin>${b[0]}</xmin><ymin>${b[1]}</ymin><xmax>${b[2]}</xmax><ymax>${b[3]}</ymax></bndbox>
  </object>`;

describe('parseVoc', () => {
  it('reads Annotations/, JPEGImages/, flags, ImageSets splits and classes.txt order', () => {
    const s = memorySource({
      'Annotations/a.xml': xml(
        obj('person', ['174', '101', '349', '351'], '<difficult>1</difficult><truncated>0</truncated>') +
          '\n' +
          obj('cat', ['1.5', '2', '10', '20'], '<truncated>1</truncated>'),
      ),
      'Annotations/b.xml': xml('', '<filename>b.jpg</filename>'),
      'JPEGImages/a.jpg': '',
      'JPEGImages/b.jpg': '',
      'ImageSets/Main/train.txt': 'a\n',
      'ImageSets/Main/val.txt': 'b\n',
      'ImageSets/Main/trainval.txt': 'a\nb\n',
      'classes.txt': 'person\ndog\n',
    });
    const p = parseVoc(s);
    expect(errors(p)).toEqual([]);
    expect(p.classes).toEqual(['person', 'dog', 'cat']);
    expect(problemMatching(p, /"cat" is not in the class list/)).toMatchObject({ severity: 'warning' });
    expect(p.images.map((i) => [i.file, i.split, i.width, i.height])).toEqual([
      ['JPEGImages/a.jpg', 'train', 500, 375],
      ['JPEGImages/b.jpg', 'val', 500, 375],
    ]);
    const [person, cat] = p.images[0]!.boxes;
    expect(person).toEqual({
      label: 'person',
      x: 174,
      y: 101,
      w: 175,
      h: 250,
      difficult: true,
      truncated: false,
      origin: 'Annotations/a.xml:5',
    });
    expect(cat).toMatchObject({ x: 1.5, y: 2, w: 8.5, h: 18, difficult: false, truncated: true });
  });

  it('reads XML files directly in the folder with an images override', () => {
    const s = memorySource({ 'gts/a.xml': xml(obj('dog', ['0', '0', '5', '5'])), 'pics/a.jpg': '' });
    const p = parseVoc(s, { dir: 'gts', images: 'pics' });
    expect(errors(p)).toEqual([]);
    expect(p.images.map((i) => i.file)).toEqual(['pics/a.jpg']);
    expect(p.classes).toEqual(['dog']);
  });

  const cases: [string, string, RegExp, Record<string, unknown>][] = [
    [
      'malformed XML',
      '<annotation>\n<filename>a.jpg</filename>\n<size></sise>\n</annotation>',
      /malformed XML at line 3/,
      { line: 3, image: 'Annotations/a.xml' },
    ],
    [
      'a missing filename',
      xml('', ''),
      /filename/,
      { field: 'annotation.filename', image: 'Annotations/a.xml' },
    ],
    [
      'a non-numeric coordinate',
      xml(obj('dog', ['1', '2', 'abc', '4'])),
      /xmax "abc" is not a number/,
      { field: 'annotation.object[0].bndbox.xmax', line: 5, image: 'JPEGImages/a.jpg' },
    ],
    [
      'a missing coordinate',
      xml('  <object><name>dog</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>3</xmax></bndbox></object>'),
      /ymax> is missing/,
      { field: 'annotation.object[0].bndbox.ymax', image: 'JPEGImages/a.jpg' },
    ],
    [
      'an object without a name',
      xml(obj('', ['1', '2', '3', '4'])),
      /no <name>/,
      { field: 'annotation.object[0].name' },
    ],
    [
      'a missing bndbox',
      xml('  <object><name>dog</name></object>'),
      /no <bndbox>/,
      { field: 'annotation.object[0].bndbox' },
    ],
    [
      'a non-numeric size',
      xml('').replace('<width>500</width>', '<width>big</width>'),
      /width "big"/,
      { field: 'annotation.size.width' },
    ],
    ['a missing image', xml('', '<filename>zz.jpg</filename>'), /not found/, { image: 'JPEGImages/zz.jpg' }],
    [
      'an escaping filename',
      xml('', '<filename>../../x.jpg</filename>'),
      /escapes/,
      { field: 'annotation.filename' },
    ],
  ];
  for (const [what, text, re, at] of cases) {
    it(`reports ${what} as an error naming the file`, () => {
      const p = parseVoc(memorySource({ 'Annotations/a.xml': text, 'JPEGImages/a.jpg': '' }));
      const e = problemMatching(p, re);
      expect(e, JSON.stringify(p.problems)).toMatchObject({
        severity: 'error',
        file: 'Annotations/a.xml',
        ...at,
      });
    });
  }

  it('reports an empty folder', () => {
    expect(parseVoc(memorySource({})).problems[0]).toMatchObject({ severity: 'error' });
  });
});

describe('writeVoc', () => {
  it('writes Annotations, JPEGImages, ImageSets and classes.txt, and round-trips with flags', () => {
    const ds = sampleExport();
    const plan = writeVoc(ds);
    expect(plan.texts.map((t) => t.path)).toEqual([
      'Annotations/a.xml',
      'Annotations/b.xml',
      'Annotations/c.xml',
      'Annotations/d.xml',
      'ImageSets/Main/train.txt',
      'ImageSets/Main/val.txt',
      'ImageSets/Main/test.txt',
      'classes.txt',
    ]);
    const b = plan.texts[1]!.content;
    expect(b).toContain('<name>a &amp; b &lt;c&gt;</name>');
    expect(b).toContain('<truncated>1</truncated>');
    expect(plan.texts[0]!.content).toContain('<xmax>110.375</xmax>');
    expect(plan.texts[4]!.content).toBe('a\nb\n');
    expect(plan.copies[0]).toEqual({ from: '/src/a.jpg', to: 'JPEGImages/a.jpg' });
    expectRoundTrip(parseVoc(planSource(plan)), ds, { flags: true });
  });

  it('keeps XML names apart when two images share a stem', () => {
    const ds = sampleExport();
    ds.images[1]!.fileName = 'a.png';
    const plan = writeVoc(ds);
    expect(plan.texts.map((t) => t.path)).toContain('Annotations/a.png.xml');
    expectRoundTrip(parseVoc(planSource(plan)), ds, { flags: true });
  });
});
