import { nameProblem, type NamedThing } from '../../../shared/names';
import { UserError } from '../../../shared/errors';

/**
 * Refuse a class or project name that breaks the shared rule (src/shared/names.ts). The repositories call it on
 * every write of a name, so the API, the CLI, imports and the app all refuse the same names with the same words.
 */
export function assertValidName(kind: NamedThing, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem) throw new UserError(problem);
}
