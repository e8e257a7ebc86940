// Errors a person can act on, shared by every layer (services throw them, the CLI and the API report them).
// No Node built-ins: the renderer may reason about them too.

/** An error a person can act on (bad input, wrong folder, newer database); the CLI exits 1 on it, not 2. */
export class UserError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** The API error code this refusal crosses transports as (see API_ERRORS). */
  readonly code: 'user' | 'no-project' = 'user';
  constructor(message: string, file?: string) {
    super(message);
    this.name = 'UserError';
    this.file = file;
  }
}

/** A call that needs an open project when none is open: its own code, so no one has to parse the message. */
export class NoProjectError extends UserError {
  override readonly code = 'no-project';
  constructor(message = 'no project is open; open or create one first') {
    super(message);
    this.name = 'NoProjectError';
  }
}
