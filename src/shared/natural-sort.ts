// Natural order of file names, shared by the server (which orders the image list) and the renderer.

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Compare two names the way people count: raccoon-1, raccoon-2, raccoon-10, raccoon-100 (runs of digits compare
 * as numbers, letters without case); ties fall back to the plain code-point order so the order is total.
 */
export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Sort items by a name, naturally (a copy; the input is not changed). */
export function naturalSortBy<T>(items: readonly T[], name: (t: T) => string): T[] {
  return [...items].sort((x, y) => naturalCompare(name(x), name(y)));
}
