import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { SaliencyExampleView } from '../../../src/shared/api/runs-contract';
import { colorAt, DEFAULT_HEATMAP_OPACITY } from '../../../src/shared/heatmap';
import { EXAMPLE_SIZE, overlaySaliency } from '../../../src/main/services/runs/saliency-example';
import { makeTmpDir } from '../../helpers/tmp';

const tmp = makeTmpDir();
afterAll(() => tmp.cleanup());

// A 32 x 16 map over a mid-grey 64 x 32 image: 255 on the left half, 0 on the right.
function example(): SaliencyExampleView {
  const width = 32;
  const height = 16;
  const values = Array.from({ length: width * height }, (_, i) => (i % width < width / 2 ? 255 : 0));
  return {
    imageId: 1,
    width,
    height,
    values,
    detection: { classIndex: 0, score: 0.9, x1: 20, y1: 8, x2: 28, y2: 12 },
    placement: { offX: 0, offY: 8, nw: 32, nh: 16 } as SaliencyExampleView['placement'],
    inBox: 1.5,
    detections: 1,
    ranked: [{ classIndex: 0, score: 0.9, x1: 20, y1: 8, x2: 28, y2: 12 }],
  };
}

describe('overlaySaliency', () => {
  it('is hotter where the map is high than where it is 0, at the report size, and leaves 0 as the image', async () => {
    const file = path.join(tmp.dir, 'grey.png');
    await sharp({ create: { width: 64, height: 32, channels: 3, background: { r: 120, g: 120, b: 120 } } })
      .png()
      .toFile(file);
    const png = await overlaySaliency(file, example(), { truth: [], imageSize: { width: 64, height: 32 } });
    const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(Math.max(info.width, info.height)).toBe(EXAMPLE_SIZE);
    const px = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!];
    };
    const y = Math.round(info.height / 2);
    const hot = px(Math.round(info.width * 0.25), y);
    const cold = px(Math.round(info.width * 0.75), y);
    const sum = (c: number[]) => c[0]! + c[1]! + c[2]!;
    expect(sum(hot)).toBeGreaterThan(sum(cold) + 200);
    // The hot side is the app's colour for the map's top (src/shared/heatmap.ts) at the default opacity.
    const top = colorAt(1);
    hot.forEach((v, c) =>
      expect(
        Math.abs(v - (120 * 0.8 * (1 - DEFAULT_HEATMAP_OPACITY) + top[c]! * DEFAULT_HEATMAP_OPACITY)),
      ).toBeLessThan(3),
    );
    // Where the map is 0 the pixel is the (slightly darkened) grey image, not tinted.
    expect(cold[0]).toBe(cold[2]);
    expect(cold[0]).toBeGreaterThan(80);
    // The detection's box (input pixels, letterbox offset 8 removed) is burnt in: its left edge is cyan.
    const edge = px(20 * (EXAMPLE_SIZE / 32), 2 * (EXAMPLE_SIZE / 32));
    expect(edge[2]! - edge[0]!).toBeGreaterThan(100);
  });
});
