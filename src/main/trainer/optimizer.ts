// Adam written out, with AdamW's decoupled weight decay. tfjs has no AdamW, and its Adam keeps state that
// cannot be read back for a checkpoint in a stable order; owning the step makes both exact.
import * as tf from '@tensorflow/tfjs';

/** Adam hyper-parameters; `weightDecay` applies only to parameters flagged in `decay`. */
export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** Per-parameter multiplier of the learning rate (default 1 for all), e.g. lower for pretrained layers. */
  lrScale?: number[];
}

/** The saved form of an optimizer: step count and the two moment arrays per parameter, in order. */
export interface AdamState {
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * Adam (Kingma & Ba) with decoupled weight decay as PyTorch's AdamW does it:
 *   w <- w - lr*wd*w  (decayed params only), then m, v updates and w <- w - lr*mhat/(sqrt(vhat)+eps).
 */
export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  private readonly lrScale: number[] | undefined;
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    readonly params: tf.Variable[],
    readonly decay: boolean[],
    opts: AdamOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.lrScale = opts.lrScale;
    this.m = params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p), false));
  }

  /** One update with gradients in the order of `params` (a missing gradient leaves that parameter alone). */
  apply(grads: (tf.Tensor | undefined)[], lr: number): void {
    this.step++;
    const t = this.step;
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        const m = this.m[i]!;
        const v = this.v[i]!;
        const rate = lr * (this.lrScale?.[i] ?? 1);
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        let w: tf.Tensor = p;
        if (this.decay[i] && this.weightDecay > 0) w = tf.mul(w, 1 - rate * this.weightDecay);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.epsilon));
        p.assign(tf.sub(w, tf.mul(update, rate)));
      });
    });
  }

  /** The state to checkpoint. */
  async getState(): Promise<AdamState> {
    return {
      step: this.step,
      m: await Promise.all(this.m.map(async (x) => (await x.data()) as Float32Array)),
      v: await Promise.all(this.v.map(async (x) => (await x.data()) as Float32Array)),
    };
  }

  /** Restore a checkpointed state (same parameter order and shapes). */
  setState(s: AdamState): void {
    if (s.m.length !== this.m.length) throw new Error('optimizer state does not match the model');
    this.step = s.step;
    tf.tidy(() => {
      this.m.forEach((x, i) => x.assign(tf.tensor(s.m[i]!, x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(s.v[i]!, x.shape)));
    });
  }

  /** Free the moment tensors. */
  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}
