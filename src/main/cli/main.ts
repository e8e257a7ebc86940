import { ApiError } from '../../shared/api/errors';
import type { ImportProblem } from '../../shared/api/contract';
import { UserError } from '../../shared/errors';
import { COMMANDS } from './commands';
import type { CliIo } from './io';

/** The help text: every command's usage line. */
export function helpText(): string {
  return [
    'Ridge Studio command line',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage}`),
    '',
    'Exit codes: 0 ok, 1 user error, 2 internal error. With --json, stdout is exactly one JSON document.',
  ].join('\n');
}

/** Whether a command's arguments ask for its usage (--help or -h anywhere before a `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Format a problem as `file:line: message` (or `file [field]: message`). */
export function formatProblem(p: ImportProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.field ? `${p.file} [${p.field}]` : p.file;
  return `${p.severity}: ${where}: ${p.message}`;
}

/** Run the CLI; returns the exit code. Never throws: user errors are one line (exit 1), bugs exit 2. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const helpFor = name === 'help' && rest[0] ? rest[0] : null;
  if (!name || ((name === 'help' || name === '--help' || name === '-h') && !helpFor)) {
    io.stdout.write(helpText() + '\n');
    return 0;
  }
  const key = helpFor ?? name;
  const cmd = Object.hasOwn(COMMANDS, key) ? COMMANDS[key] : undefined;
  try {
    if (!cmd) throw new UserError(`unknown command '${key}' (see 'ridge help')`);
    // `ridge <command> --help` and `ridge help <command>`: the command's line of `ridge help`, nothing run.
    if (helpFor || asksForHelp(rest)) {
      io.stdout.write(cmd.usage + '\n');
      return 0;
    }
    return await cmd.run(rest, io);
  } catch (err) {
    // Refusals (from the API, or the command's own argument checks) exit 1; bugs exit 2.
    const refusal =
      err instanceof ApiError && err.code !== 'internal'
        ? { message: err.message, file: err.detail.file, problems: err.detail.problems }
        : err instanceof UserError
          ? { message: err.message, file: err.file, problems: undefined }
          : null;
    if (refusal) {
      for (const p of refusal.problems ?? []) io.stderr.write(formatProblem(p) + '\n');
      io.stderr.write(`error: ${refusal.message}\n`);
      if (json) {
        const e: Record<string, unknown> = { message: refusal.message };
        if (refusal.file) e.file = refusal.file;
        if (refusal.problems) e.problems = refusal.problems;
        io.stdout.write(JSON.stringify({ error: e }) + '\n');
      }
      return 1;
    }
    const e = err as Error;
    const message = err instanceof ApiError ? e.message : `internal error: ${e?.message ?? String(err)}`;
    io.stderr.write(`${message}\n`);
    if (process.env.RIDGE_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
    else io.stderr.write('(set RIDGE_DEBUG=1 for the stack trace; please report it)\n');
    if (json) io.stdout.write(JSON.stringify({ error: { message } }) + '\n');
    return 2;
  }
}
