/** Actions the keyboard can trigger in the labeling workspace. */
export type Action =
  | 'next'
  | 'prev'
  | 'undo'
  | 'redo'
  | 'delete'
  | 'copyPrev'
  | 'reviewed'
  | 'empty'
  | 'nextUnlabeled'
  | 'accept'
  | 'reject'
  | 'difficult'
  | 'truncated'
  | 'fit'
  | 'help'
  | 'deselect'
  | 'cycle'
  | 'nextPending'
  | 'prevPending'
  | { pickKey: string };

/** The modifier that makes a drag draw even when it starts on a box (no other gesture uses it). */
export const DRAW_OVER_KEY = { label: 'Ctrl', keys: ['Control', 'Meta'] } as const;

/** The shortcut list the `?` overlay shows (one source for the overlay and the handler). */
export const SHORTCUTS: [string, string][] = [
  ['D / →', 'next image'],
  ['A / ←', 'previous image'],
  ['N', 'next unlabeled image'],
  ['drag', 'draw a box'],
  [`${DRAW_OVER_KEY.label}+drag`, 'draw a box starting on another box'],
  ['1 – 9', 'class of selected / next box (keys as listed)'],
  ['Tab', 'select next box'],
  ['Del / Backspace', 'delete selected box'],
  ['Enter', 'accept selected prediction, go to the next (none selected: select the best)'],
  ['X', 'reject selected prediction, go to the next (none selected: select the best)'],
  ['] / [', 'next / previous prediction (across images)'],
  ['H / T', 'toggle difficult / truncated'],
  ['C', 'copy boxes from previous image'],
  ['R', 'mark image reviewed'],
  ['E', 'mark image empty (negative)'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'redo'],
  ['wheel', 'zoom at cursor'],
  ['Space+drag / middle', 'pan'],
  ['F', 'fit image to window'],
  ['Esc', 'cancel drag / deselect'],
  ['?', 'this list'],
];

/** Map a key press to an action, or null. Plain letters only without Ctrl/Alt/Meta. */
export function actionFor(
  e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
): Action | null {
  const mod = e.ctrlKey || e.metaKey;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (mod && k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (mod && k === 'y') return 'redo';
  if (mod || e.altKey) return null;
  if (/^[1-9]$/.test(k)) return { pickKey: k };
  const map: Record<string, Action> = {
    d: 'next',
    ArrowRight: 'next',
    a: 'prev',
    ArrowLeft: 'prev',
    n: 'nextUnlabeled',
    Delete: 'delete',
    Backspace: 'delete',
    Enter: 'accept',
    x: 'reject',
    h: 'difficult',
    t: 'truncated',
    c: 'copyPrev',
    r: 'reviewed',
    e: 'empty',
    f: 'fit',
    '?': 'help',
    Escape: 'deselect',
    Tab: 'cycle',
    ']': 'nextPending',
    '[': 'prevPending',
  };
  return map[k] ?? null;
}
