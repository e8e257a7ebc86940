/** Where a command writes: stdout carries results (one JSON document with --json), stderr carries the rest. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Resolved against this folder when a path is relative. */
  cwd: string;
}

/** Write one line to stderr (warnings, notes); never to stdout, so --json output stays parseable. */
export function note(io: CliIo, line: string): void {
  io.stderr.write(line + '\n');
}

/** Print a command's result: one JSON document with --json, else the human text. */
export function emit(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  io.stdout.write(json ? JSON.stringify(value) + '\n' : human() + '\n');
}
