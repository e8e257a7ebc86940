import { makeBackground } from './src/main/services/sample/background';
import { Rng, hashInts } from './src/main/services/sample/prng';
import { buildScene } from './src/main/services/sample/scene';
import { renderScene } from './src/main/services/sample/render';
const N = 60;
const scenes = Array.from({ length: N }, (_, i) => buildScene(new Rng(hashInts(7, i, 1)), 320, 240));
function time(name: string, f: (i: number) => void) {
  for (let i = 0; i < 10; i++) f(i);
  const t = performance.now();
  for (let i = 0; i < N; i++) f(i);
  console.log(name.padEnd(20), ((performance.now() - t) / N).toFixed(2), 'ms');
}
for (let rep = 0; rep < 2; rep++) {
time('background', (i) => makeBackground(new Rng(hashInts(7, i, 1)), 320, 240));
time('buildScene', (i) => buildScene(new Rng(hashInts(7, i, 1)), 320, 240));
time('render no light', (i) => renderScene(320, 240, scenes[i]!.background, scenes[i]!.objects, null));
time('render no objects', (i) => renderScene(320, 240, scenes[i]!.background, [], scenes[i]!.lighting));
time('render full', (i) => renderScene(320, 240, scenes[i]!.background, scenes[i]!.objects, scenes[i]!.lighting));
}
