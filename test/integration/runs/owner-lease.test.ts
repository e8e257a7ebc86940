import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/api/contract';
import { ridge, ridgeSampleProject } from '../../helpers/cli';
import { REPO_ROOT, STANDIN_TRAINER } from '../../helpers/paths';
import { standInQueue, testDoor } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';
import { until } from '../../helpers/until';

// Every run is held by its owner's lease (pid, start time, heartbeat every 2 s, stale after 6 s): the real CLI
// with the stand-in trainer (real protocol, real processes, real SQLite), and in this process a door like the
// app's (`ridge serve` has the project open) watching the same project.
let tmp: ReturnType<typeof makeTmpDir>;
let dir: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  ({ tmp, dir } = ridgeSampleProject('--images', '12'));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
afterAll(() => tmp.cleanup());

/** Start `ridge train` with the stand-in trainer in `mode`; resolves once it trains, with the run id. */
function startTrain(mode: string, ...args: string[]): Promise<{ child: ChildProcess; runId: string }> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/ridge.cjs'), 'train', dir, ...args], {
    env: { ...process.env, RIDGE_TRAINER_ENTRY: STANDIN_TRAINER, RIDGE_STANDIN: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const id = /^run (r[\w-]+):/m.exec(stderr)?.[1];
      if (id && /training on/.test(stderr)) resolve({ child, runId: id });
    });
    child.on('exit', (code) => reject(new Error(`ridge train exited ${code} early: ${stderr}`)));
  });
}

const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) =>
    c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code)),
  );

describe('owner leases across processes', () => {
  it('a `ridge train` killed with SIGKILL mid-epoch leaves its run interrupted within 10 s, and resume finishes it', async () => {
    const app = testDoor({ queue: standInQueue('ok') }); // default heartbeat (2 s) and staleness (6 s)
    try {
      app.session.use(dir);
      const ended: EventMap['run.ended'][] = [];
      app.session.subscribe(
        (e, payload) => e === 'run.ended' && ended.push(payload as EventMap['run.ended']),
      );
      const { child, runId } = await startTrain('hang', '--epochs', '3');
      expect(app.session.project.runs.byId(runId)!.status).toBe('running');
      child.kill('SIGKILL');
      const status = await until(() => {
        const s = app.session.project.runs.byId(runId)!.status;
        return s === 'running' ? undefined : s;
      }, 10_000);
      expect(status).toBe('interrupted');
      expect(ended.map((e) => [e.runId, e.status])).toEqual([[runId, 'interrupted']]);
    } finally {
      await app.close();
    }
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { id: string; status: string }[];
    const runId = rows.at(-1)!.id;
    expect(rows.at(-1)!.status).toBe('interrupted');
    const resumed = ridge(['train', dir, '--resume', runId], {
      env: { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER },
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^${runId} .* done`));
  }, 60_000);

  it('without any other process watching, the next `ridge runs` finds a dead owner’s run interrupted', async () => {
    const { child, runId } = await startTrain('hang', '--epochs', '3');
    child.kill('SIGKILL');
    await exited(child);
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { id: string; status: string }[];
    expect(rows.find((r) => r.id === runId)!.status).toBe('interrupted');
  }, 60_000);

  it('--resume of a run whose owner lives is refused with exit 1, naming its process; the run trains on', async () => {
    const { child, runId } = await startTrain('hang', '--epochs', '3');
    const again = ridge(['train', dir, '--resume', runId], { env: { RIDGE_TRAINER_ENTRY: STANDIN_TRAINER } });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${runId} is running in process ${child.pid}`);
    const during = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { id: string; status: string }[];
    expect(during.find((r) => r.id === runId)!.status).toBe('running');
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(130);
    const rows = JSON.parse(ridge(['runs', dir, '--json']).stdout) as { id: string; status: string }[];
    expect(rows.find((r) => r.id === runId)!.status).toBe('cancelled');
  }, 60_000);

  it('a `ridge train` beside an open app runs with its own lease and shows up live in the app', async () => {
    const app = testDoor({ queue: standInQueue('ok', { heartbeatMs: 100 }) });
    try {
      app.session.use(dir);
      const seen: { event: string; payload: unknown }[] = [];
      app.session.subscribe((event, payload) => seen.push({ event, payload }));
      const { child, runId } = await startTrain('slow', '--epochs', '2');
      const elsewhere = await until(() => {
        const e = app.session.queue.state().elsewhere;
        return e.length ? e : undefined;
      }, 5_000);
      expect(elsewhere).toEqual([{ runId, pid: child.pid }]);
      expect(app.session.queue.state().running).toBeNull(); // the app's own queue does not train it
      expect(await exited(child)).toBe(0);
      await until(() => (seen.some((s) => s.event === 'run.ended') ? true : undefined), 5_000);
      const mine = seen.filter((s) => (s.payload as { runId?: string }).runId === runId).map((s) => s.event);
      expect(mine).toContain('run.epoch');
      expect(mine.at(-1)).toBe('run.ended');
      expect(seen.find((s) => s.event === 'run.ended')!.payload).toMatchObject({ runId, status: 'done' });
    } finally {
      await app.close();
    }
  }, 60_000);
});
