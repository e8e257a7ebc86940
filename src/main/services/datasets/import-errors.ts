import type { ImportProblem } from '../../../shared/api/contract';
import { UserError } from '../../../shared/errors';

/** An import that found file-level problems: every one is listed, and nothing was written. */
export class ImportAbortedError extends UserError {
  readonly problems: ImportProblem[];
  constructor(message: string, problems: ImportProblem[], file?: string) {
    super(message, file ?? problems.find((p) => p.severity === 'error')?.file);
    this.name = 'ImportAbortedError';
    this.problems = problems;
  }
}
