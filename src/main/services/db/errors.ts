/** An error a person can act on (bad input, wrong folder, newer database); the CLI exits 1 on it, not 2. */
export class UserError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(message);
    this.name = 'UserError';
    this.file = file;
  }
}
