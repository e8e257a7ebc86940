import { ZodError } from 'zod';
import type { ApiErrorShape } from '../../../shared/api/contract';
import { UserError } from '../db/errors';

/** Turn anything thrown by a handler into the error shape both transports send; bugs say so. */
export function toApiError(err: unknown): ApiErrorShape {
  if (err instanceof ZodError) {
    return {
      code: 'invalid-args',
      message:
        'invalid arguments: ' +
        err.issues.map((i) => `${i.path.join('.') || '(args)'}: ${i.message}`).join('; '),
      issues: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  if (err instanceof UserError) {
    const out: ApiErrorShape = {
      code: /no project is open/.test(err.message) ? 'no-project' : 'user',
      message: err.message,
    };
    if (err.file) out.file = err.file;
    const problems = (err as { problems?: unknown }).problems;
    if (Array.isArray(problems))
      out.issues = problems.map((p: { file: string; message: string }) => ({
        path: p.file,
        message: p.message,
      }));
    return out;
  }
  return { code: 'internal', message: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}
