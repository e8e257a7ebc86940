import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { structuralProblem } from '../../../src/main/services/images/integrity';
import { probeBuffer } from '../../../src/main/services/images/probe';
import { requireFixture, VOC100 } from '../../helpers/paths';

const raw = Buffer.alloc(96 * 64 * 3, 0);
for (let i = 0; i < raw.length; i++) raw[i] = (i * 7) & 255;
const img = () => sharp(raw, { raw: { width: 96, height: 64, channels: 3 } });

describe('structural completeness check (no pixel decode)', () => {
  it('accepts complete JPEG (baseline, progressive, with an EXIF orientation), PNG and WebP files', async () => {
    for (const buf of [
      await img().jpeg().toBuffer(),
      await img().jpeg({ progressive: true }).toBuffer(),
      await img().withMetadata({ orientation: 6 }).jpeg().toBuffer(),
      await img().png().toBuffer(),
      await img().webp().toBuffer(),
    ]) {
      const format = buf[0] === 0xff ? 'jpeg' : buf[0] === 0x89 ? 'png' : 'webp';
      expect(structuralProblem(buf, format)).toBeNull();
    }
  });

  it('accepts all 100 real VOC photos', () => {
    const dir = path.join(requireFixture(VOC100), 'images');
    for (const f of readdirSync(dir))
      expect(structuralProblem(readFileSync(path.join(dir, f)), 'jpeg'), f).toBeNull();
  });

  it('refuses JPEG, PNG and WebP files cut short at several points', async () => {
    const cases: [Buffer, 'jpeg' | 'png' | 'webp'][] = [
      [await img().jpeg().toBuffer(), 'jpeg'],
      [await img().jpeg({ progressive: true }).toBuffer(), 'jpeg'],
      [await img().png().toBuffer(), 'png'],
      [await img().webp().toBuffer(), 'webp'],
    ];
    for (const [buf, format] of cases) {
      for (const frac of [0.1, 0.5, 0.9]) {
        const cut = buf.subarray(0, Math.floor(buf.length * frac));
        expect(structuralProblem(cut, format), `${format} cut at ${frac}`).toMatch(/cut off|before|broken/);
      }
      expect(
        structuralProblem(buf.subarray(0, buf.length - 2), format),
        `${format} minus 2 bytes`,
      ).not.toBeNull();
    }
  });

  it('a JPEG whose EXIF thumbnail has its own end marker is still refused when the main image is cut', async () => {
    const thumb = await sharp(raw, { raw: { width: 96, height: 64, channels: 3 } })
      .resize(16, 16)
      .jpeg()
      .toBuffer();
    const main = await img().jpeg().toBuffer();
    // An APP1 segment carrying a whole JPEG (with FF D9) before the main image's scan.
    const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.alloc(2), thumb]);
    app1.writeUInt16BE(app1.length - 2, 2);
    const withThumb = Buffer.concat([main.subarray(0, 2), app1, main.subarray(2)]);
    expect(structuralProblem(withThumb, 'jpeg')).toBeNull();
    expect(structuralProblem(withThumb.subarray(0, withThumb.length - 200), 'jpeg')).toMatch(/cut off/);
  });

  it("probe in 'structure' mode reports a cut file as truncated, like a full decode does", async () => {
    const buf = await img().jpeg().toBuffer();
    const cut = buf.subarray(0, buf.length >> 1);
    for (const decode of ['structure', true] as const) {
      const r = await probeBuffer(cut, { decode });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toBe('truncated or corrupt image data');
    }
    const ok = await probeBuffer(buf, { decode: 'structure' });
    expect(ok).toMatchObject({ ok: true, width: 96, height: 64, format: 'jpeg' });
  });
});
