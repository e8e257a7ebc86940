// An exponential moving average of all model weights (trainable and batch-norm statistics), the "model
// EMA" of YOLOv5/YOLOX/timm. On small datasets the raw weights after any one step are noisy; their
// average over the last few hundred steps scores higher on held-out data and makes the best-epoch choice
// steadier. The trainer evaluates, checkpoints as "best" and exports the averaged weights.
import * as tf from '@tensorflow/tfjs';

/** The averaging window in steps for a run of `totalSteps`: an eighth of the run, within 20..2000 steps. */
export function emaWindow(totalSteps: number): number {
  return Math.min(2000, Math.max(20, Math.round(totalSteps / 8)));
}

/**
 * The decay used at update number `updates` (1-based): 1 - 1/window, ramped in from 0 as
 * 1 - exp(-updates / (window / 4)) so the first steps (random init) are forgotten quickly.
 */
export function emaDecay(updates: number, window: number): number {
  return (1 - 1 / window) * (1 - Math.exp(-updates / (window / 4)));
}

/** Shadow copies of a model's weights, updated after each optimizer step. */
export class WeightEma {
  private readonly shadow: tf.Variable[];
  /** Updates made so far (stored in checkpoints so a resumed run continues the same average). */
  updates = 0;

  constructor(
    private readonly model: tf.LayersModel,
    readonly window: number,
  ) {
    this.shadow = model.weights.map((w) => tf.variable(w.read().clone(), false));
  }

  /** Folds the model's current weights into the average. */
  update(): void {
    this.updates++;
    const d = emaDecay(this.updates, this.window);
    tf.tidy(() => {
      this.model.weights.forEach((w, i) => {
        const s = this.shadow[i]!;
        s.assign(tf.add(tf.mul(s, d), tf.mul(w.read(), 1 - d)));
      });
    });
  }

  /** The averaged weights, in model.getWeights() order (for checkpoints and export). */
  async values(): Promise<Float32Array[]> {
    return Promise.all(this.shadow.map(async (s) => (await s.data()) as Float32Array));
  }

  /** Restores a checkpointed average. */
  restore(values: Float32Array[], updates: number): void {
    if (values.length !== this.shadow.length) throw new Error('EMA state does not match the model');
    tf.tidy(() => this.shadow.forEach((s, i) => s.assign(tf.tensor(values[i]!, s.shape))));
    this.updates = updates;
  }

  /** Runs `fn` with the averaged weights in the model, then puts the trained weights back. */
  async withAveraged<T>(fn: () => Promise<T>): Promise<T> {
    const saved = this.model.weights.map((w) => w.read().clone());
    this.model.setWeights(this.shadow);
    try {
      return await fn();
    } finally {
      this.model.setWeights(saved);
      tf.dispose(saved);
    }
  }

  /** Frees the shadow tensors. */
  dispose(): void {
    tf.dispose(this.shadow);
  }
}
