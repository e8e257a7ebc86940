// The one colour scale of saliency maps, in the app's side-by-side view and in report.html's examples: how a map's
// grey levels are normalised (clipped at a high quantile) and coloured, and the overlay's alpha. Pure functions,
// so the app and the report draw a map alike and the mapping is tested alone.

/** The overlay's opacity where a person has not chosen one: the app's slider starts here, the report uses it. */
export const DEFAULT_HEATMAP_OPACITY = 0.7;

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * Stops of the colour scale (matplotlib's "inferno", sampled at tenths): dark for little saliency, bright yellow
 * for the most. Perceptually uniform and readable without red-green vision, unlike a rainbow.
 */
export const INFERNO: readonly Rgb[] = [
  [0, 0, 4],
  [22, 11, 57],
  [66, 10, 104],
  [106, 23, 110],
  [147, 38, 103],
  [188, 55, 84],
  [221, 81, 58],
  [243, 120, 25],
  [252, 165, 10],
  [246, 215, 70],
  [252, 255, 164],
];

/** The colour of `t` (0..1, clamped) on the scale, interpolated linearly between its stops. */
export function colorAt(t: number, stops: readonly Rgb[] = INFERNO): Rgb {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u));
  const f = u - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/**
 * Input-gradient maps are peaky: a few pixels hold the maximum and the rest look black beside them. The overlay
 * saturates at this quantile of the map instead of its maximum, so the shape of the saliency shows; the legend
 * says so.
 */
export const CLIP_QUANTILE = 0.99;

/** The `q` quantile (0..1) of `values` (nearest rank); 0 for no values. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[k]!;
}

/** Each value as 0..1 of the clip level (the CLIP_QUANTILE of the map; values above it are 1); all 0 for a flat-zero map. */
export function normalise(values: ArrayLike<number>, clip = CLIP_QUANTILE): Float32Array {
  let top = quantile(values, clip);
  if (top <= 0) {
    // A map whose mass sits in under 1% of the pixels: scale by its maximum instead.
    top = 0;
    for (let i = 0; i < values.length; i++) top = Math.max(top, values[i]!);
  }
  const out = new Float32Array(values.length);
  if (top <= 0) return out;
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, values[i]! / top);
  return out;
}

/**
 * RGBA pixels (ImageData's layout) of the overlay: each pixel coloured by its normalised saliency, its alpha
 * `opacity` times that saliency, so the image shows through where the model does not look.
 */
export function heatmapPixels(
  values: ArrayLike<number>,
  opacity: number,
  clip = CLIP_QUANTILE,
): Uint8ClampedArray<ArrayBuffer> {
  const t = normalise(values, clip);
  const op = Math.min(1, Math.max(0, opacity));
  const px = new Uint8ClampedArray(new ArrayBuffer(4 * t.length));
  for (let i = 0; i < t.length; i++) {
    const [r, g, b] = colorAt(t[i]!);
    px[4 * i] = r;
    px[4 * i + 1] = g;
    px[4 * i + 2] = b;
    px[4 * i + 3] = Math.round(255 * op * t[i]!);
  }
  return px;
}

/** CSS linear-gradient of the scale, for the legend bar (the same stops the overlay uses). */
export function legendGradient(stops: readonly Rgb[] = INFERNO): string {
  const parts = stops.map(
    (c, i) => `rgb(${c[0]}, ${c[1]}, ${c[2]}) ${Math.round((100 * i) / (stops.length - 1))}%`,
  );
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
