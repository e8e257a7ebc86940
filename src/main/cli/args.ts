import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../../shared/errors';

/** Parse one command's arguments strictly; an unknown flag or a missing value is a user error, not a crash. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UserError(`ridge ${command}: ${(err as Error).message.split('\n')[0]} (see 'ridge help')`);
  }
}

/** A positional argument that must be there. */
export function requirePositional(
  command: string,
  positionals: string[],
  index: number,
  what: string,
): string {
  const v = positionals[index];
  if (!v) throw new UserError(`ridge ${command}: missing <${what}> (see 'ridge help')`);
  return v;
}

/** An integer option within bounds. */
export function intOption(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  def: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UserError(
      `ridge ${command}: --${name} must be an integer from ${min} to ${max}, got '${String(raw)}'`,
    );
  }
  return n;
}

/** One of a fixed set of string values. */
export function enumOption<T extends string>(
  command: string,
  name: string,
  raw: string | boolean | undefined,
  allowed: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !allowed.includes(raw as T)) {
    throw new UserError(
      `ridge ${command}: --${name} must be one of ${allowed.join(', ')}, got '${String(raw)}'`,
    );
  }
  return raw as T;
}
