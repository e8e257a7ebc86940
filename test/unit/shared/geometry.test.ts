import { describe, expect, it } from 'vitest';
import { clipBoxToImage } from '../../../src/shared/geometry';

// A YOLO box inside its image arrives with float noise (cx - w/2 = 0.19999999999999998): it is kept as given, not
// reported as clipped; a box that does spill over is clipped to the image.
describe('clipBoxToImage', () => {
  it('keeps a box inside the image exactly, float noise and all', () => {
    const box = { x: (0.3 - 0.1) * 320, y: (0.3 - 0.1) * 240, w: 0.2 * 320, h: 0.2 * 240 };
    expect(clipBoxToImage(box, 320, 240)).toEqual({ kind: 'ok', box });
    expect(clipBoxToImage({ x: 0, y: 0, w: 320, h: 240 }, 320, 240).kind).toBe('ok');
  });

  it('clips a box that spills over an edge, and drops one entirely outside', () => {
    expect(clipBoxToImage({ x: 300, y: -10, w: 40, h: 30 }, 320, 240)).toMatchObject({
      kind: 'clipped',
      box: { x: 300, y: 0, w: 20, h: 20 },
    });
    expect(clipBoxToImage({ x: 330, y: 0, w: 10, h: 10 }, 320, 240)).toEqual({
      kind: 'dropped',
      reason: 'outside',
    });
  });
});
