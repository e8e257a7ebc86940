// The architecture description the PyTorch twin builds from: it must be the model itself (every weight
// counted once, shapes that chain, every layer call in an order that runs), for both backbones.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import { describeArchitecture, type Architecture } from '../../../src/main/trainer/model/architecture';
import { buildDetectorWithBackbone, type DetectorConfig } from '../../../src/main/trainer/model/detector';

const base: DetectorConfig = { numClasses: 3, imgSize: 64, widthMultiplier: 0.5, dropoutRate: 0.1, seed: 1 };
const models: tf.LayersModel[] = [];
beforeAll(() => loadBackend('tfjs-node'));
afterAll(() => models.forEach((m) => m.dispose()));

const built = new Map<string, Promise<{ model: tf.LayersModel; arch: Architecture }>>();
/** One model per backbone for all the tests of that backbone. */
function described(cfg: DetectorConfig): Promise<{ model: tf.LayersModel; arch: Architecture }> {
  const key = cfg.backbone ?? 'scratch';
  if (!built.has(key))
    built.set(
      key,
      buildDetectorWithBackbone(cfg).then((model) => {
        models.push(model);
        return { model, arch: describeArchitecture(model) };
      }),
    );
  return built.get(key)!;
}

describe.each([
  ['scratch', { ...base, backbone: 'scratch' as const }],
  ['mobilenetv2', { ...base, backbone: 'mobilenetv2' as const }],
])('describeArchitecture (%s backbone)', (_name, cfg) => {
  it('counts every weight once: the totals equal the model', async () => {
    const { model, arch } = await described(cfg);
    expect(arch.params).toBe(model.countParams());
    const trainable = model.trainableWeights.reduce(
      (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
      0,
    );
    expect(arch.trainableParams).toBe(trainable);
    expect(arch.trainableParams).toBeLessThan(arch.params); // batch-norm moving statistics are not trained
  });

  it('lists every call once, inputs before their readers, and shapes that chain', async () => {
    const { arch } = await described(cfg);
    const index = new Map(arch.nodes.map((n, i) => [n.id, i]));
    expect(index.size).toBe(arch.nodes.length);
    arch.nodes.forEach((n, i) => {
      n.inputs.forEach((id, k) => {
        const src = index.get(id);
        expect(src, `${n.id} reads ${id}`).toBeLessThan(i);
        expect(n.inShapes[k], `${n.id} input ${k}`).toEqual(arch.nodes[src!]!.outShape);
      });
    });
    expect(arch.nodes[0]!.op).toBe('input');
    expect(arch.nodes[0]!.outShape).toEqual([64, 64, 3]);
    // One output per stride (8, 16), numClasses + 4 channels each.
    expect(arch.outputs.map((id) => arch.nodes[index.get(id)!]!.outShape)).toEqual([
      [8, 8, 7],
      [4, 4, 7],
    ]);
  });

  it('keeps a layer shared by both levels as one layer called twice, its weights counted at the first call', async () => {
    const { model, arch } = await described(cfg);
    const calls = arch.nodes.filter((n) => n.layer === 'cls0_conv');
    expect(calls.map((n) => n.id)).toEqual(['cls0_conv', 'cls0_conv#1']);
    expect(calls[0]!.params).toBe(model.getLayer('cls0_conv').countParams());
    expect(calls[1]!.params).toBe(0);
    expect(calls[1]!.flops).toBe(calls[0]!.flops / 4); // the stride-16 map has a quarter of the locations
  });

  it('counts the forward FLOPs of a conv from its shapes (2 * outputs * kernel area * input channels)', async () => {
    const { arch } = await described(cfg);
    const convs = arch.nodes.filter((n) => n.op === 'conv2d' || n.op === 'depthwiseConv2d');
    expect(convs.length).toBeGreaterThan(10);
    for (const n of convs) {
      const [kh, kw] = n.cfg.kernel as number[];
      const perOut = n.op === 'conv2d' ? kh! * kw! * n.inShapes[0]![2]! : kh! * kw!;
      expect(n.flops).toBe(2 * n.outShape.reduce((a, b) => a * b, 1) * perOut);
    }
    expect(arch.forwardFlops).toBe(arch.nodes.reduce((s, n) => s + n.flops, 0));
  });
});

describe('describeArchitecture refuses what the twin could not copy', () => {
  it('names the layer and its class', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const out = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    models.push(model);
    expect(() => describeArchitecture(model)).toThrow(/layer gap is a GlobalAveragePooling2D/);
  });
});
