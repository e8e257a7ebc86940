import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newToken } from './security';

/** File (in the user's config folder) that keeps one `ridge serve` token per project folder. */
export const TOKENS_FILE = 'serve-tokens.json';

/** The user's config folder for Ridge Studio: $XDG_CONFIG_HOME/ridge-studio, else ~/.config/ridge-studio. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null;
  return path.join(base ?? path.join(os.homedir(), '.config'), 'ridge-studio');
}

function readTokens(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(
      Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= 20),
    );
  } catch {
    return {}; // a damaged file is replaced by the next write
  }
}

/**
 * The token `ridge serve <dir>` uses: the one kept for this project folder, so a restarted server lets an open
 * page reconnect by itself; a fresh one when none is kept or `fresh` (--new-token), which is then kept. The file
 * is readable by its owner only (0600, its folder 0700): whoever reads it can change the project.
 */
export function projectToken(
  projectDir: string,
  opts: { fresh?: boolean; env?: NodeJS.ProcessEnv } = {},
): string {
  const dir = configDir(opts.env);
  const file = path.join(dir, TOKENS_FILE);
  const key = path.resolve(projectDir);
  const tokens = readTokens(file);
  const kept = tokens[key];
  if (kept && !opts.fresh) return kept;
  const token = newToken();
  tokens[key] = token;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(tokens, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return token;
}
