// A trainer whose host dies (SIGKILL: no chance to cancel) must stop too, not train on unseen for hours.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths';
import { sampleManifest } from '../trainer/fixtures';

const TRAINER = path.join(REPO_ROOT, 'out/trainer/trainer.cjs');
const HOST = path.join(REPO_ROOT, 'test/integration/runs/orphan-host.cjs');
let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ridge-orphan-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('stops the trainer when its host is killed', async () => {
  const manifest = await sampleManifest(path.join(root, 'images'), 12, 3, 96, 64);
  const manifestPath = path.join(root, 'manifest.json');
  await writeFile(manifestPath, JSON.stringify(manifest));
  const host = spawn(process.execPath, [HOST, TRAINER, manifestPath, path.join(root, 'run')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    host.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /training (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    host.on('exit', (code) => reject(new Error(`host exited early (${code})`)));
  });
  expect(alive(pid)).toBe(true);
  host.kill('SIGKILL');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const stillAlive = alive(pid);
  if (stillAlive) process.kill(pid, 'SIGKILL');
  expect(stillAlive).toBe(false);
}, 60_000);
