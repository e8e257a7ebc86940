import { makeBackground } from './src/main/services/sample/background';
import { Rng, hashInts } from './src/main/services/sample/prng';
import { buildScene } from './src/main/services/sample/scene';
import { renderScene } from './src/main/services/sample/render';
import sharp from 'sharp';
async function main() {
  let tb = 0, ts = 0, tr = 0, te = 0;
  for (let i = 0; i < 100; i++) {
    let t = performance.now();
    makeBackground(new Rng(hashInts(7, i, 1)), 320, 240);
    tb += performance.now() - t; t = performance.now();
    const sc = buildScene(new Rng(hashInts(7, i, 1)), 320, 240);
    ts += performance.now() - t; t = performance.now();
    const r = renderScene(320, 240, sc.background, sc.objects, sc.lighting);
    tr += performance.now() - t; t = performance.now();
    await sharp(r.raw, { raw: { width: 320, height: 240, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    te += performance.now() - t;
  }
  console.log({ bg: tb / 100, sceneInclBg: ts / 100, render: tr / 100, encode: te / 100 });
}
void main();
