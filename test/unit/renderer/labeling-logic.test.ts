import { describe, expect, it } from 'vitest';
import { labelAnchor, textColorOn } from '../../../src/renderer/src/features/annotate/canvas/label-style';
import { revealView } from '../../../src/renderer/src/features/annotate/canvas/view';
import {
  classKeyMap,
  keyToRestore,
  renumberPlan,
} from '../../../src/renderer/src/features/annotate/core/class-keys';
import {
  pendingInOrder,
  pickPending,
  stepPending,
} from '../../../src/renderer/src/features/annotate/core/review';
import type { DocBox, LabelClass } from '../../../src/renderer/src/features/annotate/core/types';
import { formatLambda, parseLambda } from '../../../src/renderer/src/features/training/reg-help';
import { edgeLabel } from '../../../src/renderer/src/features/overview/edge-label';
import { naturalCompare, naturalSortBy } from '../../../src/shared/natural-sort';
import { plural } from '../../../src/renderer/src/ui/plural';

const cls = (id: number, hotkey: string | null, order = id): LabelClass => ({
  id,
  name: `c${id}`,
  color: '#000000',
  hotkey,
  order,
});

let seq = 0;
const box = (p: Partial<DocBox>): DocBox => ({
  key: `k${++seq}`,
  imageId: 1,
  classId: 1,
  x: 0,
  y: 0,
  w: 10,
  h: 10,
  difficult: false,
  truncated: false,
  source: 'predicted',
  score: 0.5,
  state: 'pending',
  ...p,
});

describe('natural sort', () => {
  it('counts digit runs as numbers: raccoon-1, -2, -10, -100', () => {
    const names = ['raccoon-100.jpg', 'raccoon-10.jpg', 'raccoon-2.jpg', 'raccoon-1.jpg'];
    expect(naturalSortBy(names, (n) => n)).toEqual([
      'raccoon-1.jpg',
      'raccoon-2.jpg',
      'raccoon-10.jpg',
      'raccoon-100.jpg',
    ]);
  });
  it('ignores case for order but stays total (equal-looking names still compare unequal)', () => {
    expect(naturalCompare('Img2', 'img10')).toBeLessThan(0);
    expect(naturalCompare('a.jpg', 'A.jpg')).not.toBe(0);
    expect(naturalCompare('dir2/x.jpg', 'dir10/a.jpg')).toBeLessThan(0);
  });
});

describe('class keys', () => {
  it('maps stored digit keys to classes, so deleting one leaves the others their numbers', () => {
    const after = [cls(1, '1'), cls(3, '3'), cls(4, '4')]; // class 2 (key 2) was deleted
    const m = classKeyMap(after);
    expect(m.get('3')).toBe(3);
    expect(m.has('2')).toBe(false);
  });
  it('ignores keys that are not 1-9 and duplicates (first wins)', () => {
    expect([...classKeyMap([cls(1, 'q'), cls(2, '5'), cls(3, '5')])]).toEqual([['5', 2]]);
  });
  it('gives a re-created class its old key only when no class took it', () => {
    expect(keyToRestore([cls(1, '1')], '2')).toBe('2');
    expect(keyToRestore([cls(1, '1'), cls(5, '2')], '2')).toBeUndefined();
    expect(keyToRestore([cls(1, '1')], null)).toBeNull();
  });
  it('renumbering gives 1-9 in list order and none after the ninth, changing only what differs', () => {
    const list = [
      cls(1, '1'),
      cls(7, '3'),
      cls(8, null),
      ...[9, 10, 11, 12, 13, 14, 15].map((i) => cls(i, null)),
    ];
    const plan = renumberPlan(list);
    expect(plan.find((p) => p.id === 1)).toBeUndefined();
    expect(plan.find((p) => p.id === 7)).toEqual({ id: 7, hotkey: '2' });
    expect(plan.find((p) => p.id === 8)).toEqual({ id: 8, hotkey: '3' });
    expect(plan.find((p) => p.id === 15)).toBeUndefined(); // tenth: stays without a key
  });
});

describe('review selection', () => {
  it('orders pending boxes by score (none last), then top to bottom', () => {
    const a = box({ score: 0.4, y: 5 });
    const b = box({ score: 0.9 });
    const c = box({ score: null });
    const d = box({ score: 0.4, y: 1 });
    const acc = box({ state: 'accepted', score: 1 });
    expect(pendingInOrder([a, b, c, d, acc]).map((x) => x.key)).toEqual([b.key, d.key, a.key, c.key]);
  });
  it('steps from the selection; with none (or an accepted box) it starts at the best, and ends with null', () => {
    const hi = box({ score: 0.9 });
    const lo = box({ score: 0.1 });
    const acc = box({ state: 'accepted' });
    const all = [lo, acc, hi];
    expect(stepPending(all, null, 1)?.key).toBe(hi.key);
    expect(stepPending(all, acc.key, 1)?.key).toBe(hi.key);
    expect(stepPending(all, null, -1)?.key).toBe(lo.key);
    expect(stepPending(all, hi.key, 1)?.key).toBe(lo.key);
    expect(stepPending(all, lo.key, 1)).toBeNull();
    expect(stepPending([acc], null, 1)).toBeNull();
  });
  it('bulk rules: at or above a score accepts, below rejects, per class, unscored counts as 0', () => {
    const boxes = [
      box({ score: 0.5, classId: 1 }),
      box({ score: 0.49, classId: 1 }),
      box({ score: 0.9, classId: 2 }),
      box({ score: null, classId: 1 }),
      box({ score: 0.99, state: 'accepted' }),
    ];
    const keys = (ks: string[]) => ks.map((k) => boxes.findIndex((b) => b.key === k));
    expect(keys(pickPending(boxes, { side: 'above', threshold: 0.5, classId: null }))).toEqual([0, 2]);
    expect(keys(pickPending(boxes, { side: 'below', threshold: 0.5, classId: null }))).toEqual([1, 3]);
    expect(keys(pickPending(boxes, { side: 'above', threshold: 0, classId: 1 }))).toEqual([0, 1, 3]);
  });
});

describe('canvas helpers', () => {
  it('reveals a box off-screen by centring it, and leaves a visible one alone', () => {
    const v = { scale: 2, x: 0, y: 0 };
    expect(revealView(v, { x: 10, y: 10, w: 20, h: 20 }, 400, 300)).toBe(v);
    const moved = revealView(v, { x: 500, y: 400, w: 20, h: 20 }, 400, 300);
    expect(moved.scale).toBe(2);
    expect(moved.x + 510 * 2).toBeCloseTo(200);
    expect(moved.y + 410 * 2).toBeCloseTo(150);
    expect(revealView(v, { x: 0, y: 0, w: 1000, h: 10 }, 400, 300).scale).toBeLessThan(0.4);
  });
  it('puts labels above a box, inside when there is no room, and picks readable text', () => {
    expect(labelAnchor({ x: 5, y: 100 }, 1)).toEqual({ x: 5, y: 82 });
    expect(labelAnchor({ x: 5, y: 4 }, 1)).toEqual({ x: 5, y: 4 });
    expect(labelAnchor({ x: 5, y: 4 }, 10).y).toBeCloseTo(2.2);
    expect(textColorOn('#fffac8')).toBe('#000000');
    expect(textColorOn('#800000')).toBe('#ffffff');
  });
});

describe('numbers shown', () => {
  it('one lambda format: scientific for penalties, decimal for the dropout rate', () => {
    expect(formatLambda('l2', 5e-4)).toBe('5e-4');
    expect(formatLambda('l2', 0.0001)).toBe('1e-4');
    expect(formatLambda('wd', 0.05)).toBe('5e-2');
    expect(formatLambda('l1', 1.5e-5)).toBe('1.5e-5');
    expect(formatLambda('dropout', 0.2)).toBe('0.2');
    expect(parseLambda('0.0001')).toBe(1e-4);
    expect(parseLambda('1e-4')).toBe(1e-4);
    expect(parseLambda('-1')).toBeNull();
    expect(parseLambda('abc')).toBeNull();
  });
  it('plurals and ratio labels', () => {
    expect(plural(1, 'box', 'boxes')).toBe('1 box');
    expect(plural(0, 'box', 'boxes')).toBe('0 boxes');
    expect(plural(2, 'image')).toBe('2 images');
    expect([0.25, 0.5, 2 / 3, 1, 1.5, 4].map((v) => edgeLabel(v, true))).toEqual([
      '1:4',
      '1:2',
      '2:3',
      '1:1',
      '3:2',
      '4:1',
    ]);
    expect(edgeLabel(32, false)).toBe('32');
  });
});
