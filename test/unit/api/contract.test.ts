import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../../src/shared/api/methods';
import { argSchemas } from '../../../src/shared/api/schemas';

describe('the API contract', () => {
  it('lists every schema method in METHOD_NAMES (the preload exposes exactly these)', () => {
    expect([...METHOD_NAMES].sort()).toEqual(Object.keys(argSchemas).sort());
  });

  it('refuses non-finite and non-positive box sizes before they reach a service', () => {
    const s = argSchemas['annotations.create'];
    expect(s.safeParse({ imageId: 1, classId: 1, x: 0, y: 0, w: 5, h: 5 }).success).toBe(true);
    expect(s.safeParse({ imageId: 1, classId: 1, x: 0, y: 0, w: 0, h: 5 }).success).toBe(false);
    expect(s.safeParse({ imageId: 1, classId: 1, x: Number.NaN, y: 0, w: 5, h: 5 }).success).toBe(false);
    expect(s.safeParse({ imageId: 1, classId: 1, x: 0, y: 0, w: Infinity, h: 5 }).success).toBe(false);
    expect(s.safeParse({ imageId: 1, classId: 1, x: 0, y: 0, w: 5, h: 5, sql: 'drop' }).success).toBe(false);
  });

  it('accepts a backbone, and refuses a MobileNetV2 run whose image size is not a multiple of 32', () => {
    const s = argSchemas['runs.start'];
    expect(s.safeParse({ configs: [{ backbone: 'mobilenetv2', imgSize: 224 }] }).success).toBe(true);
    expect(s.safeParse({ configs: [{ backbone: 'scratch', imgSize: 208 }] }).success).toBe(true);
    const bad = s.safeParse({ configs: [{ backbone: 'mobilenetv2', imgSize: 208 }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/multiple of 32/);
    expect(s.safeParse({ configs: [{ backbone: 'resnet' }] }).success).toBe(false);
  });
});
