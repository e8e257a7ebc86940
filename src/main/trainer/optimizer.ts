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
  /**
   * Update all parameters that share a learning-rate scale and a decay flag as one flat vector (default), in
   * ~14 ops per group instead of ~14 per parameter; false: one parameter at a time. Both compute the same
   * float32 operations on every element in the same order, so the results are bitwise equal (the optimizer
   * test checks it); the fused step launches a few dozen kernels instead of over a thousand.
   */
  fused?: boolean;
}

/** Parameters updated together: same learning-rate scale and decay flag, their moments in one flat vector. */
interface Group {
  members: number[];
  sizes: number[];
  scale: number;
  decayed: boolean;
  m: tf.Variable;
  v: tf.Variable;
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
  private readonly groups: Group[];

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
    const fused = opts.fused ?? true;
    this.m = fused ? [] : params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.v = fused ? [] : params.map((p) => tf.variable(tf.zerosLike(p), false));
    this.groups = fused ? this.makeGroups() : [];
  }

  private makeGroups(): Group[] {
    const byKey = new Map<string, number[]>();
    this.params.forEach((_, i) => {
      const key = `${this.lrScale?.[i] ?? 1}:${this.decay[i] ? 1 : 0}`;
      byKey.set(key, [...(byKey.get(key) ?? []), i]);
    });
    return [...byKey.values()].map((members) => {
      const sizes = members.map((i) => this.params[i]!.size);
      const n = sizes.reduce((a, b) => a + b, 0);
      return {
        members,
        sizes,
        scale: this.lrScale?.[members[0]!] ?? 1,
        decayed: this.decay[members[0]!] ?? false,
        m: tf.variable(tf.zeros([n]), false),
        v: tf.variable(tf.zeros([n]), false),
      };
    });
  }

  /** One update with gradients in the order of `params` (a missing gradient leaves that parameter alone). */
  apply(grads: (tf.Tensor | undefined)[], lr: number): void {
    this.step++;
    const t = this.step;
    const bc1 = 1 - this.beta1 ** t;
    const bc2 = 1 - this.beta2 ** t;
    if (this.groups.length > 0) {
      this.applyGroups(grads, lr, bc1, bc2);
      return;
    }
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

  /** The per-parameter update above on each group's flat vector: the same ops, element by element. */
  // A group with a parameter that got no gradient updates only the others (their slices), as the
  // one-at-a-time path leaves such a parameter and its moments alone.
  private applyGroups(grads: (tf.Tensor | undefined)[], lr: number, bc1: number, bc2: number): void {
    tf.tidy(() => {
      for (const gr of this.groups) {
        const flat = (ts: tf.Tensor[]) => tf.concat(ts.map((x) => tf.reshape(x, [-1])));
        const has = gr.members.map((i) => grads[i] !== undefined);
        if (!has.some(Boolean)) continue;
        const all = has.every(Boolean);
        const pick = (x: tf.Tensor) => (all ? x : flat(tf.split(x, gr.sizes).filter((_, k) => has[k])));
        const members = gr.members.filter((_, k) => has[k]);
        const g = flat(members.map((i) => grads[i]!));
        const rate = lr * gr.scale;
        const m = tf.add(tf.mul(pick(gr.m), this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(pick(gr.v), this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        let w = flat(members.map((i) => this.params[i]!));
        if (gr.decayed && this.weightDecay > 0) w = tf.mul(w, 1 - rate * this.weightDecay);
        const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.epsilon));
        const next = tf.split(
          tf.sub(w, tf.mul(update, rate)),
          members.map((i) => this.params[i]!.size),
        );
        members.forEach((i, k) => this.params[i]!.assign(tf.reshape(next[k]!, this.params[i]!.shape)));
        if (all) {
          gr.m.assign(m);
          gr.v.assign(v);
          continue;
        }
        // Put the updated slices back between the untouched ones.
        const merge = (old: tf.Tensor, upd: tf.Tensor) => {
          const fresh = tf.split(
            upd,
            members.map((i) => this.params[i]!.size),
          );
          let j = 0;
          return tf.concat(tf.split(old, gr.sizes).map((piece, k) => (has[k] ? fresh[j++]! : piece)));
        };
        gr.m.assign(merge(gr.m, m));
        gr.v.assign(merge(gr.v, v));
      }
    });
  }

  /** Each parameter's first and second moment, in parameter order, whichever layout holds them. */
  private async moments(): Promise<{ m: Float32Array[]; v: Float32Array[] }> {
    if (this.groups.length === 0)
      return {
        m: await Promise.all(this.m.map(async (x) => (await x.data()) as Float32Array)),
        v: await Promise.all(this.v.map(async (x) => (await x.data()) as Float32Array)),
      };
    const m: Float32Array[] = new Array<Float32Array>(this.params.length);
    const v: Float32Array[] = new Array<Float32Array>(this.params.length);
    for (const gr of this.groups) {
      const [gm, gv] = [(await gr.m.data()) as Float32Array, (await gr.v.data()) as Float32Array];
      let at = 0;
      gr.members.forEach((i, k) => {
        m[i] = gm.slice(at, at + gr.sizes[k]!);
        v[i] = gv.slice(at, at + gr.sizes[k]!);
        at += gr.sizes[k]!;
      });
    }
    return { m, v };
  }

  /** The state to checkpoint (per parameter, the same whether the update is fused or not). */
  async getState(): Promise<AdamState> {
    return { step: this.step, ...(await this.moments()) };
  }

  /** Restore a checkpointed state (same parameter order and shapes). */
  setState(s: AdamState): void {
    if (s.m.length !== this.params.length) throw new Error('optimizer state does not match the model');
    this.step = s.step;
    tf.tidy(() => {
      for (const gr of this.groups) {
        const join = (xs: Float32Array[]) => {
          const out = new Float32Array(gr.m.size);
          let at = 0;
          gr.members.forEach((i) => {
            out.set(xs[i]!, at);
            at += xs[i]!.length;
          });
          return out;
        };
        gr.m.assign(tf.tensor1d(join(s.m)));
        gr.v.assign(tf.tensor1d(join(s.v)));
      }
      this.m.forEach((x, i) => x.assign(tf.tensor(s.m[i]!, x.shape)));
      this.v.forEach((x, i) => x.assign(tf.tensor(s.v[i]!, x.shape)));
    });
  }

  /** Free the moment tensors. */
  dispose(): void {
    for (const x of [...this.m, ...this.v, ...this.groups.flatMap((g) => [g.m, g.v])]) x.dispose();
  }
}
