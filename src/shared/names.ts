// The one rule for names a person gives things (classes, projects), shared by the services, the API's argument
// schemas and the CLI, so every door refuses the same names with the same words.

/** The longest class or project name, in characters. */
export const NAME_MAX_LENGTH = 100;

/** What is named: it goes into the message. */
export type NamedThing = 'class' | 'project';

/** C0 controls (NUL, tab, newline...), DEL, C1 controls, and the Unicode line and paragraph separators. */
function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
}

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `name` cannot name a class or project, or null when it can: it must not be blank, must be at most
 * NAME_MAX_LENGTH characters, and must hold no control character (a NUL or a newline in a class name breaks
 * exports, label files and every list that shows it).
 */
export function nameProblem(kind: NamedThing, name: string): string | null {
  if (name.trim() === '') return `a ${kind} name cannot be empty`;
  if (name.length > NAME_MAX_LENGTH)
    return `a ${kind} name can have at most ${NAME_MAX_LENGTH} characters; this one has ${name.length}`;
  const at = [...name].findIndex(isControl);
  if (at >= 0)
    return `a ${kind} name cannot contain control characters; ${JSON.stringify(name)} has ${codePoint([...name][at]!)} at position ${at + 1}`;
  return null;
}

/** A usable name made from one that may not be (a folder name as the default project name): controls dropped, cut to length. */
export function usableName(raw: string, fallback: string): string {
  const cleaned = [...raw]
    .filter((ch) => !isControl(ch))
    .join('')
    .trim()
    .slice(0, NAME_MAX_LENGTH)
    .trim();
  return cleaned === '' ? fallback : cleaned;
}
