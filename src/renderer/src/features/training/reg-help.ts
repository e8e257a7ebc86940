// What each regularization mode does and what strength makes sense, shown where the mode is chosen.
import { DEFAULT_LAMBDA, type RegMode } from '../../../../shared/domain/runs';

/**
 * One number format for a strength: penalties (l2, wd, l1) in short scientific notation (5e-4, 1.5e-3), the
 * dropout rate as a plain decimal (0.2). The same text everywhere the panel shows a lambda.
 */
export function formatLambda(mode: RegMode, v: number): string {
  if (mode === 'dropout' || v === 0 || !Number.isFinite(v) || v >= 1) return String(+v.toPrecision(6));
  const [m, e] = v.toExponential().split('e');
  return `${+(+m!).toPrecision(4)}e${e}`;
}

/** Read a typed strength (any JS number syntax: 0.0001, 1e-4); null when it is not a number >= 0. */
export function parseLambda(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  const v = Number(t);
  return Number.isFinite(v) && v >= 0 ? v : null;
}

const range = (mode: RegMode, lo: number, hi: number) =>
  `Sensible ${mode === 'dropout' ? 'rate' : 'λ'}: ${formatLambda(mode, lo)} to ${formatLambda(mode, hi)} ` +
  `(default ${formatLambda(mode, DEFAULT_LAMBDA[mode])}).`;

/** Two or three sentences per mode: what it does to the weights under Adam, and a sensible range. */
export const REG_HELP: Record<RegMode, string> = {
  none: 'No regularization: only the detection loss is minimised. The baseline the other modes are compared with.',
  l2:
    'L2 penalty: adds λ·Σw² over the conv and dense kernels to the loss. Under Adam its gradient is divided by the ' +
    'same per-weight scale as the data gradient, so weights with large gradients are barely pulled toward zero: ' +
    `weaker and less even than with plain SGD. ${range('l2', 1e-5, 1e-3)}`,
  wd:
    'Decoupled weight decay (AdamW): each step multiplies every kernel by (1 − lr·λ), outside Adam’s scaling, so ' +
    'all weights shrink at the same relative rate whatever their gradients. λ is relative to the learning rate, ' +
    `so its values are not comparable with L2’s. ${range('wd', 1e-2, 1e-1)}`,
  l1:
    'L1 penalty: adds λ·Σ|w| to the loss; it pushes small weights to exactly zero (sparse kernels) instead of ' +
    `shrinking all of them. The sum over every kernel is large, so λ is small. ${range('l1', 1e-6, 1e-4)}`,
  dropout:
    'Spatial dropout before the detection heads: while training, each feature channel is zeroed with probability ' +
    `given by the rate and the rest scaled up; predictions use every channel. ${range('dropout', 0.1, 0.5)}`,
};
