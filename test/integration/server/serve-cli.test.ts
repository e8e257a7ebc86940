import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { ridge } from '../../helpers/cli';
import { REPO_ROOT } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

const tmp = makeTmpDir('ridge-serve-cli-');
afterAll(() => tmp.cleanup());

/** Start `ridge serve`, read its first stdout line and everything on stderr until then; then stop it. */
async function firstLine(args: string[]): Promise<{ line: string; stderr: string; code: number | null }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', () => resolve(''));
  });
  await new Promise((r) => setTimeout(r, 100));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  if (child.exitCode === null) child.kill('SIGTERM');
  return { line, stderr, code: child.exitCode ?? (await exited) };
}

describe('ridge serve (the built CLI)', () => {
  it('prints exactly http://HOST:PORT/?token=TOKEN first, on a free port, and stops cleanly', async () => {
    const r = await firstLine(['--port', '0']);
    expect(r.line).toMatch(/^http:\/\/127\.0\.0\.1:\d{2,5}\/\?token=[A-Za-z0-9_-]{20,}$/);
    expect(r.code).toBe(0);
    const again = await firstLine(['--port', '0']);
    expect(again.line.split('token=')[1]).not.toBe(r.line.split('token=')[1]);
  });

  it('refuses a non-loopback host without --allow-remote (exit 1)', () => {
    const r = ridge(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--allow-remote/);
    expect(r.stdout).toBe('');
  });

  it('warns when --allow-remote opens it to the network', async () => {
    const r = await firstLine(['--host', '0.0.0.0', '--port', '0', '--allow-remote']);
    expect(r.line).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/\?token=/);
    expect(r.stderr).toMatch(/warning: listening on 0\.0\.0\.0/);
  });

  it('takes --data-root and --public-host, refusing a root that is not a folder and a public host without --allow-remote', async () => {
    const missing = ridge(['serve', '--port', '0', '--data-root', path.join(tmp.dir, 'no-such')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--data-root ${path.join(tmp.dir, 'no-such')} is not a folder`);
    const lonely = ridge(['serve', '--port', '0', '--public-host', 'studio.example']);
    expect(lonely.code).toBe(1);
    expect(lonely.stderr).toMatch(/--public-host only matters with --allow-remote/);
    const r = await firstLine(['--port', '0', '--data-root', tmp.dir, '--data-root', REPO_ROOT]);
    expect(r.line).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(r.stderr).toContain(
      `data roots (imports, exports, projects over the API): ${tmp.dir}, ${REPO_ROOT}`,
    );
  });

  it('refuses a folder that is not a project', () => {
    const r = ridge(['serve', tmp.dir, '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a Ridge Studio project/);
  });
});
