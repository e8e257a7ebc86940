import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { REPO_ROOT, STANDIN_TRAINER } from '../../helpers/paths';
import type { makeTmpDir } from '../../helpers/tmp';

// Ctrl-C and SIGTERM on `ridge train`: the run is cancelled through the trainer (stored as cancelled, not left
// 'running'), and the command exits 130. The stand-in trainer hangs until it is told to cancel.
const env = { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER, RIDGE_STANDIN: 'hang' };
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '12'));
});
afterAll(() => tmp.cleanup());

/** Start `ridge train`, wait until its trainer runs, send the signal; resolve with the exit code and stderr. */
function trainThenSignal(sig: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin/ridge.cjs'), 'train', dir, '--epochs', '2'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  let sent = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!sent && /training on/.test(stderr)) {
      sent = true;
      child.kill(sig);
    }
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('ridge train under a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s cancels the run, stores it as cancelled, exits 130',
    async (sig) => {
      const before = JSON.parse(ridge(['runs', dir, '--json']).stdout) as unknown[];
      const r = await trainThenSignal(sig);
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/cancelling/);
      const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { status: string }[];
      expect(rows).toHaveLength(before.length + 1);
      expect(rows.at(-1)!.status).toBe('cancelled');
    },
    60_000,
  );
});
