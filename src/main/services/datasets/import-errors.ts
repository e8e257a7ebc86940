import type { ImportProblem } from '../../../shared/api/contract';
import { UserError } from '../../../shared/errors';

/** An import that found file-level problems: every one is listed, and nothing was written. */
export class ImportAbortedError extends UserError {
  readonly problems: ImportProblem[];
  /** True when a problem concerns a whole file (skipping bad images cannot get past it). */
  readonly fileLevel: boolean;
  constructor(message: string, problems: ImportProblem[], file?: string, fileLevel = false) {
    super(message, file ?? problems.find((p) => p.severity === 'error')?.file);
    this.name = 'ImportAbortedError';
    this.problems = problems;
    this.fileLevel = fileLevel;
  }
}
