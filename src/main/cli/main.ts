import { UserError } from '../../shared/errors';
import { initCommand } from './commands/init';
import { statsCommand } from './commands/stats';
import type { CliIo } from './io';

type Command = (argv: string[], io: CliIo) => number | Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  init: { run: initCommand, usage: 'ridge init <dir> [--name N]' },
  stats: { run: statsCommand, usage: 'ridge stats <dir> [--json]' },
};

/** Register a command (keeps main.ts free of every command's imports order). */
export function registerCommand(name: string, run: Command, usage: string): void {
  COMMANDS[name] = { run, usage };
}

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

/** Errors that carry a list of problems (imports) print every one; others print one line. */
export interface ProblemCarrier {
  problems: { severity: string; file: string; line?: number; field?: string; message: string }[];
}

function hasProblems(e: unknown): e is Error & ProblemCarrier {
  return e instanceof Error && Array.isArray((e as unknown as ProblemCarrier).problems);
}

/** Format a problem as `file:line: message` (or `file [field]: message`). */
export function formatProblem(p: ProblemCarrier['problems'][number]): string {
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
    if (err instanceof UserError) {
      if (hasProblems(err)) for (const p of err.problems) io.stderr.write(formatProblem(p) + '\n');
      io.stderr.write(`error: ${err.message}\n`);
      if (json) {
        const e: Record<string, unknown> = { message: err.message };
        if (err.file) e.file = err.file;
        if (hasProblems(err)) e.problems = err.problems;
        io.stdout.write(JSON.stringify({ error: e }) + '\n');
      }
      return 1;
    }
    const e = err as Error;
    io.stderr.write(`internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.RIDGE_DEBUG) io.stderr.write(`${e?.stack ?? ''}\n`);
    else io.stderr.write('(set RIDGE_DEBUG=1 for the stack trace; please report it)\n');
    if (json)
      io.stdout.write(
        JSON.stringify({ error: { message: `internal error: ${e?.message ?? String(err)}` } }) + '\n',
      );
    return 2;
  }
}
