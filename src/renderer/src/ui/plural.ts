/** "1 box", "2 boxes", "0 images": a count with the right form of its noun (the plural given when irregular). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}
