import { ZodError } from 'zod';
import type { ApiErrorShape, ImportProblem } from '../../../shared/api/contract';
import { describeIssues } from '../../../shared/api/errors';
import { UserError } from '../../../shared/errors';

/** Turn anything thrown by a handler into the error shape both transports send; bugs say so. */
export function toApiError(err: unknown): ApiErrorShape {
  if (err instanceof ZodError) {
    return {
      code: 'invalid-args',
      message: `invalid arguments: ${describeIssues(err.issues)}`,
      issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  if (err instanceof UserError) {
    const out: ApiErrorShape = { code: err.code, message: err.message };
    if (err.file) out.file = err.file;
    const problems = (err as { problems?: unknown }).problems;
    if (Array.isArray(problems)) out.problems = problems as ImportProblem[];
    return out;
  }
  const sqlite = (err as { code?: unknown } | null)?.code;
  if (sqlite === 'SQLITE_BUSY' || sqlite === 'SQLITE_LOCKED')
    return { code: 'busy', message: 'the project database is busy (another process is writing); try again' };
  return { code: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
