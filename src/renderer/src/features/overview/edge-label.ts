/** Short label of a bin edge: integers as they are, fractions as ratios (1/2 -> "1:2"), else one decimal. */
export function edgeLabel(v: number, ratio: boolean): string {
  if (!ratio) return String(Math.round(v));
  if (v === 0) return '0';
  if (v >= 1) return Number.isInteger(v) ? `${v}:1` : `${+(v * 2).toFixed(2)}:2`;
  const inv = 1 / v;
  return Number.isInteger(+inv.toFixed(6)) ? `1:${Math.round(inv)}` : `2:${+(2 * inv).toFixed(2)}`;
}
