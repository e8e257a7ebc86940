import type { LabelClass } from './types';

/** The digit keys that pick a class. */
const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

/**
 * Digit -> class id, from each class's stored key: a class keeps its number when others are deleted, merged or
 * moved, until the person renumbers. Keys other than 1-9 pick nothing (letters are shortcuts).
 */
export function classKeyMap(classes: readonly LabelClass[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of classes)
    if (c.hotkey && (DIGITS as readonly string[]).includes(c.hotkey) && !out.has(c.hotkey))
      out.set(c.hotkey, c.id);
  return out;
}

/** The key a re-created class may take back (undo of a delete or merge): its old one if still free, else none. */
export function keyToRestore(
  classes: readonly LabelClass[],
  wanted: string | null,
): string | null | undefined {
  if (wanted === null) return null;
  return classes.some((c) => c.hotkey === wanted) ? undefined : wanted;
}

/** The key changes that make keys follow the list order again (1-9 for the first nine, none after). */
export function renumberPlan(classes: readonly LabelClass[]): { id: number; hotkey: string | null }[] {
  return classes
    .map((c, i) => ({ id: c.id, hotkey: i < DIGITS.length ? DIGITS[i]! : null, cur: c.hotkey }))
    .filter((c) => c.hotkey !== c.cur)
    .map(({ id, hotkey }) => ({ id, hotkey }));
}
