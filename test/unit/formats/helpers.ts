import { expect } from 'vitest';
import { memorySource } from '../../../src/main/services/datasets/formats/source';
import type {
  DatasetSource,
  ExportDataset,
  ExportPlan,
  ParsedDataset,
  Problem,
} from '../../../src/main/services/datasets/formats/types';

/** A small export with every split, an empty image, an unused class, odd names and fractional boxes. */
export function sampleExport(): ExportDataset {
  const box = (
    label: string,
    x: number,
    y: number,
    w: number,
    h: number,
    difficult = false,
    truncated = false,
  ) => ({
    label,
    x,
    y,
    w,
    h,
    difficult,
    truncated,
  });
  return {
    classes: ['zebra', 'ant', 'yes', 'a & b <c>', 'unused'],
    images: [
      {
        id: 7,
        fileName: 'a.jpg',
        sourcePath: '/src/a.jpg',
        width: 640,
        height: 480,
        split: 'train',
        boxes: [box('zebra', 10.25, 20.5, 100.125, 50), box('ant', 0, 0, 640, 480, true, false)],
      },
      {
        id: 8,
        fileName: 'b.png',
        sourcePath: '/src/b.png',
        width: 333,
        height: 517,
        split: 'train',
        boxes: [box('a & b <c>', 1.3333333, 2.6666667, 33.3333333, 17.1, false, true)],
      },
      {
        id: 9,
        fileName: 'c.jpg',
        sourcePath: '/src/c.jpg',
        width: 100,
        height: 100,
        split: 'val',
        boxes: [],
      },
      {
        id: 10,
        fileName: 'd.jpeg',
        sourcePath: '/src/d.jpeg',
        width: 1920,
        height: 1080,
        split: 'test',
        boxes: [box('yes', 1900, 1000, 20, 80, true, true), box('zebra', 5, 6, 7, 8)],
      },
    ],
  };
}

/** A memory source holding the plan's texts and an empty stand-in for every copied image. */
export function planSource(plan: ExportPlan): DatasetSource {
  const files: Record<string, string> = {};
  for (const c of plan.copies) files[c.to] = '';
  for (const t of plan.texts) files[t.path] = t.content;
  return memorySource(files, 'export');
}

/** Errors only, for "no errors" assertions with a readable failure. */
export function errors(p: ParsedDataset): Problem[] {
  return p.problems.filter((x) => x.severity === 'error');
}

/** Assert a parse gives back the export: classes, images (by file name), splits and boxes. */
export function expectRoundTrip(
  parsed: ParsedDataset,
  ds: ExportDataset,
  opts: { normalized?: boolean; flags?: boolean; classOrder?: boolean } = {},
): void {
  expect(errors(parsed)).toEqual([]);
  if (opts.classOrder === false) expect([...parsed.classes].sort()).toEqual([...ds.classes].sort());
  else expect(parsed.classes).toEqual(ds.classes);
  expect(parsed.images).toHaveLength(ds.images.length);
  for (const im of ds.images) {
    const got = parsed.images.find((p) => p.file === im.fileName || p.file.endsWith(`/${im.fileName}`));
    expect(got, im.fileName).toBeDefined();
    expect(got!.split).toBe(im.split);
    expect(got!.units).toBe(opts.normalized ? 'normalized' : 'pixels');
    expect(got!.boxes).toHaveLength(im.boxes.length);
    im.boxes.forEach((b, i) => {
      const g = got!.boxes[i]!;
      expect(g.label).toBe(b.label);
      if (opts.normalized) {
        expect(Math.abs(g.x * im.width - b.x) / im.width).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(g.y * im.height - b.y) / im.height).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(g.w * im.width - b.w) / im.width).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(g.h * im.height - b.h) / im.height).toBeLessThanOrEqual(1e-5);
      } else {
        for (const k of ['x', 'y', 'w', 'h'] as const)
          expect(Math.abs(g[k] - b[k])).toBeLessThanOrEqual(1e-9);
        if (!opts.normalized && got!.width !== undefined)
          expect([got!.width, got!.height]).toEqual([im.width, im.height]);
      }
      if (opts.flags) {
        expect(g.difficult ?? false).toBe(b.difficult);
        expect(g.truncated ?? false).toBe(b.truncated);
      }
    });
  }
}

/** The first problem whose message matches, for asserting on its file/line/field. */
export function problemMatching(p: ParsedDataset, re: RegExp): Problem | undefined {
  return p.problems.find((x) => re.test(x.message));
}
