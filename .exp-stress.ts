import { renderSampleImage } from './src/main/services/sample/scene';
let minLarger = 1, maxW = 0, maxH = 0, n = 0, dropped = 0, objects = 0, minVis = 1;
const hist = new Array(7).fill(0);
for (const seed of [1, 2, 3]) for (let i = 0; i < 700; i++) {
  const r = renderSampleImage(seed, i, 320, 240);
  hist[r.boxes.length]++;
  dropped += r.visibility.length - r.boxes.length;
  for (const v of r.visibility) minVis = Math.min(minVis, v);
  for (const b of r.boxes) { objects++; minLarger = Math.min(minLarger, Math.max(b.w / 320, b.h / 240)); maxW = Math.max(maxW, b.w / 320); maxH = Math.max(maxH, b.h / 240); }
  n++;
}
console.log({ n, objects, dropped, minVis, minLarger, maxW, maxH, hist });
const r = renderSampleImage(5, 0, 640, 480); console.log('640x480 ok', r.boxes.length);
