// Learning-rate schedule: linear warm-up, then cosine decay to a floor. A pure function of the step, so a
// resumed run continues on the same curve.

/** Shares of the schedule: warm-up length (fraction of all steps, capped) and the final lr fraction. */
export const WARMUP_FRACTION = 0.08;
/** The lr at the end, as a fraction of the base lr. */
export const FINAL_LR_FRACTION = 0.05;

/** The learning rate at optimizer step `step` (0-based) of `total`. */
export function learningRateAt(base: number, step: number, total: number): number {
  const warm = Math.max(1, Math.round(total * WARMUP_FRACTION));
  if (step < warm) return base * (0.1 + (0.9 * (step + 1)) / warm);
  const t = Math.min(1, (step - warm) / Math.max(1, total - warm));
  return base * (FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
