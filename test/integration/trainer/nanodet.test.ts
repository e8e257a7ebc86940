// The COCO-pretrained NanoDet rebuilt as a layers model computes what the package's graph model computes: with
// the graph's own upsampling and max-pool padding swapped in, on a real photo, every class score and every
// regression logit of the three levels agrees. This checks the weight mapping (conv order, concat order, the
// split into classes and bins, the BGR normalisation folded into a 1x1 conv).
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackend } from '../../../src/main/trainer/backend';
import {
  buildNanoDet,
  NANODET_BINS,
  readNanoDetWeights,
  type NanoDetOps,
} from '../../../src/main/trainer/model/nanodet';
import { COCO_CLASSES } from '../../../src/shared/domain/coco-classes';
import { nanoDetModelDir } from '../../../src/main/trainer/model/nanodet-package';

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/voc-subset100/images');

/** PyTorch's bilinear 2x upsampling (half-pixel centres), as the graph's ResizeBilinear does it. */
class HalfPixelUpsample extends tf.layers.Layer {
  static readonly className = 'TestHalfPixelUpsample';
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = s as number[];
    return [b!, h! * 2, w! * 2, c!];
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const t = (Array.isArray(x) ? x[0]! : x) as tf.Tensor4D;
    return tf.image.resizeBilinear(t, [t.shape[1] * 2, t.shape[2] * 2], false, true);
  }
}
/** PyTorch's MaxPool2d(3, 2, padding=1): the padding never wins the max. */
class NegInfPadMaxPool extends tf.layers.Layer {
  static readonly className = 'TestNegInfPadMaxPool';
  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [b, h, w, c] = s as number[];
    return [b!, Math.floor((h! - 1) / 2) + 1, Math.floor((w! - 1) / 2) + 1, c!];
  }
  override call(x: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const t = (Array.isArray(x) ? x[0]! : x) as tf.Tensor4D;
    return tf.maxPool(
      tf.pad(
        t,
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ],
        -1e30,
      ),
      3,
      2,
      'valid',
    );
  }
}
const EXACT: NanoDetOps = {
  upsample: (x, name) => new HalfPixelUpsample({ name }).apply(x) as tf.SymbolicTensor,
  maxPool: (x, name) => new NegInfPadMaxPool({ name }).apply(x) as tf.SymbolicTensor,
};

let photo: tf.Tensor4D;
beforeAll(async () => {
  await loadBackend('tfjs-node');
  const { data } = await sharp(path.join(FIXTURES, '2007_000042.jpg'))
    .resize(416, 416, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  photo = tf.tensor4d(
    Float32Array.from(data, (v) => v / 255),
    [1, 416, 416, 3],
  );
});

describe('NanoDet from the human-models package', () => {
  it('rebuilt as a layers model, gives the graph model outputs on a real photo', async () => {
    const dir = nanoDetModelDir();
    const graph = await tf.loadGraphModel(`file://${path.join(dir, 'nanodet.json')}`);
    const bgr = tf.tidy(() =>
      tf.div(tf.sub(tf.reverse(tf.mul(photo, 255), -1), [103.53, 116.28, 123.675]), [57.375, 57.12, 58.395]),
    );
    const names = [
      'Identity:0',
      'Identity_1:0',
      'Identity_2:0',
      'Identity_3:0',
      'Identity_4:0',
      'Identity_5:0',
    ];
    const ref = graph.execute(tf.transpose(bgr, [0, 3, 1, 2]), names) as tf.Tensor[];
    const weights = await readNanoDetWeights(dir);
    const model = buildNanoDet(weights, {
      numClasses: 80,
      imgSize: 416,
      frozenThrough: -1,
      seed: 0,
      ops: EXACT,
      cocoClasses: true,
    });
    const reg = regLogitsModel(model);
    const outs = model.predict(photo) as tf.Tensor[];
    const logits = reg.predict(photo) as tf.Tensor[];
    for (let level = 0; level < 3; level++) {
      const side = 416 / [8, 16, 32][level]!;
      const scores = tf.sigmoid(
        outs[level]!.slice([0, 0, 0, 0], [1, side, side, 80]).reshape([1, side * side, 80]),
      );
      const refScores = ref[level]!;
      expect(maxAbs(scores, refScores)).toBeLessThan(1e-4);
      const refReg = ref[level + 3]!;
      expect(maxAbs(logits[level]!.reshape(refReg.shape), refReg)).toBeLessThan(1e-3);
    }
    // The photo is of two trains: the graph's and our best class at stride 16 is COCO's 'train'.
    const best = tf.argMax(tf.max(ref[1]!.squeeze(), 0)).dataSync()[0]!;
    expect(COCO_CLASSES[best]).toBe('train');
  });
});

/** The reg prediction convs' raw outputs (the graph outputs the 44 bin logits before softmax). */
function regLogitsModel(model: tf.LayersModel): tf.LayersModel {
  const outs = [8, 16, 32].map((s) => model.getLayer(`nd_l${s}_reg_pred`).output as tf.SymbolicTensor);
  expect(outs[0]!.shape[3]).toBe(4 * NANODET_BINS);
  return tf.model({ inputs: model.inputs, outputs: outs });
}

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
}
