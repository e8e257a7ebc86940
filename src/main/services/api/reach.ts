import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';

/**
 * Which folders a door's callers may name for imports, exports, predictions and projects. `ridge serve` confines
 * a token holder to the roots the person running it allowed (--data-root); the app and the CLI act for the person
 * at the keyboard (the app through its own dialogs) and reach everything.
 */
export interface FileReach {
  /**
   * The absolute path to use for `p` when it may be reached (symlinks resolved, so a link cannot lead out), or a
   * UserError naming it; `alsoInside` are further allowed folders for this call (the open project's own folder).
   */
  resolve(p: string, what: string, alsoInside?: readonly string[]): string;
}

/** The reach of a door that acts for the person at the keyboard: any path, resolved to absolute. */
export const unconfinedReach: FileReach = { resolve: (p) => path.resolve(p) };

/** `p` with every symlink resolved: the longest part that exists goes through realpath, the rest is appended. */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  let head = abs;
  const rest: string[] = [];
  while (!existsSync(head)) {
    const up = path.dirname(head);
    if (up === head) break;
    rest.unshift(path.basename(head));
    head = up;
  }
  return path.join(existsSync(head) ? realpathSync(head) : head, ...rest);
}

function inside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A reach confined to `roots` (each resolved through its symlinks once, now). */
export function confinedReach(roots: readonly string[]): FileReach {
  const real = roots.map(realPathOf);
  return {
    resolve(p, what, alsoInside = []) {
      const target = realPathOf(p);
      if ([...real, ...alsoInside.map(realPathOf)].some((r) => inside(r, target))) return target;
      const shown = target === path.resolve(p) ? target : `${path.resolve(p)} (${target})`;
      throw new UserError(
        `${what} ${shown} is outside the folders ridge serve may reach (${real.join(', ')}); ` +
          `restart it with --data-root <folder> to allow another`,
        path.resolve(p),
      );
    },
  };
}
