// How many classes the sample has and what tells them apart. Up to 6 classes are the shapes of SAMPLE_CLASSES in
// any colour (the default sample); beyond 6, class k is shape k % 6 drawn in hue band floor(k / 6), so 80 classes
// are 6 shapes x 14 hue bands, each still learnable from the pixels.
import { hsv } from './background';
import type { Rng } from './prng';
import type { Rgb } from './render';
import { SAMPLE_CLASSES, type SampleClass } from './shapes';

/** The most classes `ridge sample --classes` makes (COCO's 80). */
export const MAX_SAMPLE_CLASSES = 80;

/** What a sample class is drawn as: its shape and, past 6 classes, the hue band its colours come from. */
export interface SampleClassSpec {
  name: string;
  shape: SampleClass;
  /** [lo, hi) in degrees; null: any colour. */
  hue: readonly [number, number] | null;
}

/** The classes of a sample with `count` classes (1..80), in class-index order. */
export function sampleClassSpecs(count: number): SampleClassSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SAMPLE_CLASSES)
    throw new RangeError(`classes must be 1..${MAX_SAMPLE_CLASSES}, got ${count}`);
  const shapes = SAMPLE_CLASSES.length;
  if (count <= shapes)
    return SAMPLE_CLASSES.slice(0, count).map((shape) => ({ name: shape, shape, hue: null }));
  const bands = Math.ceil(count / shapes);
  return Array.from({ length: count }, (_, k) => {
    const band = Math.floor(k / shapes);
    const shape = SAMPLE_CLASSES[k % shapes]!;
    return {
      name: `${shape}-${band + 1}`,
      shape,
      hue: [(band * 360) / bands, ((band + 1) * 360) / bands] as const,
    };
  });
}

/** The class names of a sample with `count` classes. */
export function sampleClassNames(count: number): string[] {
  return sampleClassSpecs(count).map((c) => c.name);
}

/**
 * One candidate colour for an object of class `spec`: any hue, saturation and value for the plain shapes (the
 * default sample's draws, unchanged), a saturated colour inside the class's hue band otherwise.
 */
export function candidateColour(rng: Rng, spec: SampleClassSpec): Rgb {
  if (!spec.hue) return hsv(rng.range(0, 360), rng.float() ** 0.7, rng.range(0.08, 1));
  return hsv(rng.range(spec.hue[0], spec.hue[1]), rng.range(0.6, 1), rng.range(0.45, 1));
}
