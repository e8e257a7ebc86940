import { describe, expect, it } from 'vitest';

// CI must train on the native TensorFlow backend, not the pure-JS fallback: set-up builds the addon.
describe('@tensorflow/tfjs-node', () => {
  it('loads with the tensorflow backend and computes a convolution gradient', async () => {
    const tf = await import('@tensorflow/tfjs-node');
    expect(tf.getBackend()).toBe('tensorflow');
    const x = tf.ones([1, 4, 4, 1]) as import('@tensorflow/tfjs-node').Tensor4D;
    const f = tf.ones([3, 3, 1, 1]) as import('@tensorflow/tfjs-node').Tensor4D;
    const g = tf.grad((k) => tf.conv2d(x, k as typeof f, 1, 'same').sum())(f);
    expect(Array.from(await g.data())).toEqual([9, 12, 9, 12, 16, 12, 9, 12, 9]); // taps count in-bounds positions;
  });
});
