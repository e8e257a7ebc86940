import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { configDir, projectToken, TOKENS_FILE } from '../../../src/main/server/token-store';
import { ridge } from '../../helpers/cli';
import { REPO_ROOT } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

// A restarted `ridge serve <dir>` keeps its token (in the user's config folder, owner-only), so an open page
// reconnects by itself; --new-token replaces it. The config folder follows XDG_CONFIG_HOME.
const tmp = makeTmpDir('ridge-serve-token-');
afterAll(() => tmp.cleanup());
const config = path.join(tmp.dir, 'config');
const env = { ...process.env, XDG_CONFIG_HOME: config };

/** The token `ridge serve` prints in its first line; the server is stopped right after. */
async function servedToken(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => resolve(''));
  });
  const exited = new Promise((r) => child.once('exit', r));
  if (child.exitCode === null) child.kill('SIGTERM');
  await exited;
  return new URL(line).searchParams.get('token') ?? '';
}

describe('the kept serve token', () => {
  it('is kept per project folder in $XDG_CONFIG_HOME/ridge-studio with mode 0600; fresh replaces it', () => {
    const a = projectToken(path.join(tmp.dir, 'a'), { env });
    const b = projectToken(path.join(tmp.dir, 'b'), { env });
    expect(projectToken(path.join(tmp.dir, 'a'), { env })).toBe(a);
    expect(b).not.toBe(a);
    const fresh = projectToken(path.join(tmp.dir, 'a'), { env, fresh: true });
    expect(fresh).not.toBe(a);
    expect(projectToken(path.join(tmp.dir, 'a'), { env })).toBe(fresh);
    expect(projectToken(path.join(tmp.dir, 'b'), { env })).toBe(b);
    const file = path.join(config, 'ridge-studio', TOKENS_FILE);
    expect(configDir(env)).toBe(path.dirname(file));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
  });

  it('ridge serve <dir> restarted prints the same token; --new-token a fresh one', async () => {
    const dir = path.join(tmp.dir, 'proj');
    expect(ridge(['init', dir]).code).toBe(0);
    const first = await servedToken([dir, '--port', '0']);
    expect(first).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await servedToken([dir, '--port', '0'])).toBe(first);
    const renewed = await servedToken([dir, '--port', '0', '--new-token']);
    expect(renewed).not.toBe(first);
    expect(await servedToken([dir, '--port', '0'])).toBe(renewed);
  });
});
