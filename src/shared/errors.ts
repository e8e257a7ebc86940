// Errors a person can act on, shared by every layer (services throw them, the CLI and the API report them).
// No Node built-ins: the renderer may reason about them too.

/** An error a person can act on (bad input, wrong folder, newer database); the CLI exits 1 on it, not 2. */
export class UserError extends Error {
  /** The file the problem is in, when there is one. */
  readonly file: string | undefined;
  /** The API error code this refusal crosses transports as (see API_ERRORS). */
  readonly code: 'user' | 'no-project' | 'busy' = 'user';
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

/**
 * A write that waited its whole allowance for another process's lock on the project (a CLI import, another app):
 * code 'busy', which API_ERRORS marks retryable, so a client can say "waiting for another writer" and try again.
 * Nothing of the call was written.
 */
export class ProjectBusyError extends UserError {
  override readonly code = 'busy';
  constructor(waitedMs: number) {
    super(
      `the project is locked by another writer (another ridge process, such as a CLI import); waited ` +
        `${(waitedMs / 1000).toFixed(1)} s, nothing was written; try again`,
    );
    this.name = 'ProjectBusyError';
  }
}
