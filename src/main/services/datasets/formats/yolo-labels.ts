import type { Problems } from './common';
import { dropNonFiniteBox, parseCoordinate, parseNumber } from './common';
import { withExt } from './paths';
import type { DatasetBox } from './types';

// The YOLO label text shared by the Ultralytics and darknet layouts: one `class cx cy w h` line per box, all
// normalized to the image side. Boxes come back as normalized top-left x, y, w, h (x = cx - w/2), unconverted.

const FIELD_NAMES = ['class', 'cx', 'cy', 'w', 'h'];

/** Parse one YOLO label file's text into normalized boxes, reporting bad lines with file, line and image. */
export function parseYoloLabelText(
  text: string,
  labelFile: string,
  image: string,
  classes: readonly string[],
  problems: Problems,
): DatasetBox[] {
  const boxes: DatasetBox[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const at = { line, image };
    const fields = t.split(/\s+/);
    if (fields.length !== 5) {
      const extra = fields.length > 5 && fields.length % 2 === 1 ? ' (a segmentation polygon?)' : '';
      return problems.error(
        labelFile,
        `expected 5 fields (class cx cy w h), found ${fields.length}${extra}`,
        at,
      );
    }
    const nums: number[] = [];
    for (let k = 0; k < 5; k++) {
      const tok = fields[k] as string;
      const n = k === 0 ? parseNumber(tok) : parseCoordinate(tok);
      if (n === null) {
        const what = k === 0 && parseCoordinate(tok) !== null ? 'is not finite' : 'is not a number';
        return problems.error(labelFile, `${FIELD_NAMES[k]} "${tok}" ${what}`, at);
      }
      // A non-finite coordinate is a box-level repair (the box is dropped, with a warning); garbage is an error.
      if (!Number.isFinite(n)) return dropNonFiniteBox(problems, labelFile, FIELD_NAMES[k]!, tok, at);
      nums.push(n);
    }
    const [cls, cx, cy, w, h] = nums as [number, number, number, number, number];
    if (!Number.isInteger(cls))
      return problems.error(labelFile, `class id ${fields[0]} is not an integer`, at);
    const label = classes[cls];
    if (cls < 0 || label === undefined) {
      const range = classes.length > 0 ? `0..${classes.length - 1}` : 'no classes are named';
      return problems.error(labelFile, `class id ${cls} is out of range (${range})`, at);
    }
    boxes.push({ label, x: cx - w / 2, y: cy - h / 2, w, h, origin: `${labelFile}:${line}` });
  });
  return boxes;
}

/** Format one box as a YOLO label line: class and 6-decimal normalized cx cy w h. */
export function formatYoloLine(
  classIndex: number,
  box: { x: number; y: number; w: number; h: number },
  width: number,
  height: number,
): string {
  const f = (v: number): string => {
    const s = v.toFixed(6);
    return s === '-0.000000' ? '0.000000' : s;
  };
  const cx = (box.x + box.w / 2) / width;
  const cy = (box.y + box.h / 2) / height;
  return `${classIndex} ${f(cx)} ${f(cy)} ${f(box.w / width)} ${f(box.h / height)}`;
}

/** The Ultralytics label path of an image: the last /images/ folder becomes /labels/, the extension .txt. */
export function yoloLabelPath(imagePath: string): string {
  const p = `/${imagePath}`;
  const i = p.lastIndexOf('/images/');
  const swapped = i < 0 ? p : `${p.slice(0, i)}/labels/${p.slice(i + '/images/'.length)}`;
  return withExt(swapped.slice(1), '.txt');
}
