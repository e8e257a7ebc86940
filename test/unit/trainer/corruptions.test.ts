import { describe, expect, it } from 'vitest';
import type { RawImage } from '../../../src/main/trainer/data/image';
import { SeededRng } from '../../../src/main/trainer/data/prng';
import {
  brightness,
  contrast,
  corrupt,
  corruptionConstant,
  gaussianBlur,
  gaussianNoise,
  jpegCompress,
  SEVERITIES,
} from '../../../src/main/trainer/robustness/corruptions';

function image(width: number, height: number, px: (x: number, y: number, ch: number) => number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let ch = 0; ch < 3; ch++) data[(y * width + x) * 3 + ch] = Math.round(px(x, y, ch));
  return { width, height, data };
}

const randomImage = (seed: number, w = 64, h = 48) => {
  const rng = new SeededRng(seed);
  return image(w, h, () => rng.next() * 255);
};

function channelStats(img: RawImage, ch: number): { mean: number; sd: number } {
  let s = 0;
  let s2 = 0;
  const n = img.data.length / 3;
  for (let i = ch; i < img.data.length; i += 3) {
    s += img.data[i]!;
    s2 += img.data[i]! ** 2;
  }
  const mean = s / n;
  return { mean, sd: Math.sqrt(s2 / n - mean * mean) };
}

describe('corruptions (ImageNet-C formulas)', () => {
  it("uses ImageNet-C's constants", () => {
    expect(SEVERITIES.map((s) => corruptionConstant('gaussian_noise', s))).toEqual([0.08, 0.18, 0.38]);
    expect(SEVERITIES.map((s) => corruptionConstant('gaussian_blur', s))).toEqual([1, 3, 6]);
    expect(SEVERITIES.map((s) => corruptionConstant('brightness', s))).toEqual([0.1, 0.3, 0.5]);
    expect(SEVERITIES.map((s) => corruptionConstant('contrast', s))).toEqual([0.4, 0.2, 0.05]);
    expect(SEVERITIES.map((s) => corruptionConstant('jpeg', s))).toEqual([25, 15, 7]);
    expect(() => corruptionConstant('jpeg', 6)).toThrow('severity must be 1 to 5');
  });

  it('gaussian noise: zero-mean with sd c*255 where nothing clips; clipped share as the normal says; seeded', () => {
    const grey = image(120, 120, () => 128);
    for (const c of [0.08, 0.18]) {
      const out = gaussianNoise(grey, c, 1);
      const { mean, sd } = channelStats(out, 1);
      expect(Math.abs(mean - 128)).toBeLessThan(0.5);
      expect(sd / (c * 255)).toBeGreaterThan(0.98);
      expect(sd / (c * 255)).toBeLessThan(1.02);
    }
    // c = .38: P(128 + 255 c z <= 0.5) = Phi(-127.5 / 96.9) = 0.094 of values clip to 0.
    const out = gaussianNoise(grey, 0.38, 2);
    const zeros = out.data.filter((v) => v === 0).length / out.data.length;
    expect(zeros).toBeGreaterThan(0.085);
    expect(zeros).toBeLessThan(0.103);
    expect(gaussianNoise(grey, 0.08, 5).data).toEqual(gaussianNoise(grey, 0.08, 5).data);
    expect(gaussianNoise(grey, 0.08, 5).data).not.toEqual(gaussianNoise(grey, 0.08, 6).data);
  });

  it('noise through corrupt() depends on the run seed and the image, nothing else', async () => {
    const img = randomImage(3);
    const a = await corrupt(img, 'gaussian_noise', 3, 7, 11);
    expect((await corrupt(img, 'gaussian_noise', 3, 7, 11)).data).toEqual(a.data);
    expect((await corrupt(img, 'gaussian_noise', 3, 7, 12)).data).not.toEqual(a.data);
    expect((await corrupt(img, 'gaussian_noise', 3, 8, 11)).data).not.toEqual(a.data);
  });

  it('gaussian blur: a cosine of period 6 sigma keeps exp(-2 pi^2 / 36) of its amplitude; flat stays flat', async () => {
    for (const sigma of [1, 3, 6]) {
      const period = 6 * sigma;
      const w = period * 10;
      const wave = image(w, 40, (x) => 128 + 100 * Math.cos((2 * Math.PI * x) / period));
      const out = await gaussianBlur(wave, sigma);
      // Amplitude by projection on the cosine, over whole periods away from the left and right edges.
      let dot = 0;
      let n = 0;
      for (let x = period * 2; x < w - period * 2; x++) {
        const v = out.data[(20 * w + x) * 3]! - 128;
        dot += v * Math.cos((2 * Math.PI * x) / period);
        n++;
      }
      const amplitude = (2 * dot) / n;
      expect(amplitude / 100).toBeCloseTo(Math.exp((-2 * Math.PI ** 2) / 36), 1);
      expect(Math.abs(amplitude / 100 - Math.exp((-2 * Math.PI ** 2) / 36))).toBeLessThan(0.02);
    }
    const flat = await gaussianBlur(
      image(50, 30, () => 77),
      6,
    );
    expect(new Set(flat.data)).toEqual(new Set([77]));
  });

  it('brightness: V = max(r, g, b) rises by c*255 (capped at 255), hue and saturation kept', () => {
    const img = randomImage(4);
    for (const c of [0.1, 0.3, 0.5]) {
      const out = brightness(img, c);
      let vError = 0;
      let shareError = 0;
      for (let i = 0; i < img.data.length; i += 3) {
        const v = Math.max(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!);
        const v2 = Math.max(out.data[i]!, out.data[i + 1]!, out.data[i + 2]!);
        vError = Math.max(vError, Math.abs(v2 - Math.min(255, v + c * 255)));
        if (v === 0) continue;
        // Same hue and saturation: each channel is the same share of V as before (to 8-bit rounding).
        for (let k = 0; k < 3; k++)
          shareError = Math.max(shareError, Math.abs(out.data[i + k]! - (img.data[i + k]! / v) * v2));
      }
      expect(vError).toBeLessThanOrEqual(0.5 + 1e-9);
      expect(shareError).toBeLessThanOrEqual(1);
    }
    expect(
      Array.from(
        brightness(
          image(1, 1, () => 0),
          0.3,
        ).data,
      ),
    ).toEqual([77, 77, 77]);
  });

  it('contrast: each channel keeps its mean and its sd shrinks by c', () => {
    const img = randomImage(5);
    for (const c of [0.4, 0.2, 0.05]) {
      const out = contrast(img, c);
      for (let ch = 0; ch < 3; ch++) {
        const before = channelStats(img, ch);
        const after = channelStats(out, ch);
        expect(Math.abs(after.mean - before.mean)).toBeLessThan(0.5);
        expect(Math.abs(after.sd - c * before.sd)).toBeLessThan(0.5);
      }
    }
  });

  it('jpeg: keeps the mean; the error grows as the quality falls (severities 1 < 3 < 5)', async () => {
    const img = randomImage(6, 96, 64);
    const errors: number[] = [];
    for (const s of SEVERITIES) {
      const out = await jpegCompress(img, corruptionConstant('jpeg', s));
      expect(out.data.length).toBe(img.data.length);
      expect(Math.abs(channelStats(out, 0).mean - channelStats(img, 0).mean)).toBeLessThan(3);
      let se = 0;
      for (let i = 0; i < img.data.length; i++) se += (out.data[i]! - img.data[i]!) ** 2;
      errors.push(se / img.data.length);
    }
    expect(errors[0]).toBeGreaterThan(100);
    expect(errors[1]).toBeGreaterThan(errors[0]!);
    expect(errors[2]).toBeGreaterThan(errors[1]!);
  });
});
