import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/api/contract';
import { Project } from '../../../src/main/services/project/project';
import { INTERRUPTED_PREFIX, OWNER_FILE, RunQueue } from '../../../src/main/services/runs/queue';
import { createRun, runDir } from '../../../src/main/services/runs/runs';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { makeSampleProject } from '../../helpers/sample-project';
import type { makeTmpDir } from '../../helpers/tmp';

// The run queue with the stand-in trainer (real protocol, real child processes, real SQLite; no tfjs).
let tmp: ReturnType<typeof makeTmpDir>;
let p: Project;
let dir: string;

beforeEach(async () => {
  ({ tmp, dir, p } = await makeSampleProject(3));
});
afterEach(() => {
  p.close();
  tmp.cleanup();
  delete process.env.RIDGE_STANDIN;
});

type Seen = { event: keyof EventMap; payload: unknown };
function record(q: RunQueue): Seen[] {
  const seen: Seen[] = [];
  q.subscribe((event, payload) => seen.push({ event, payload }));
  return seen;
}

describe('the run queue', () => {
  it('runs queued runs one at a time, in order, pushing epoch, queue and end events', async () => {
    const a = createRun(p, { ...DEFAULT_RUN_CONFIG, seed: 0 });
    const b = createRun(p, { ...DEFAULT_RUN_CONFIG, seed: 1 });
    const q = new RunQueue(p, { entry: STANDIN_TRAINER });
    let maxRunning = 0;
    q.subscribe(() => {
      maxRunning = Math.max(maxRunning, p.runs.list().filter((r) => r.status === 'running').length);
    });
    const seen = record(q);
    q.kick();
    await q.idle();
    expect(p.runs.byId(a.id)!.status).toBe('done');
    expect(p.runs.byId(b.id)!.status).toBe('done');
    expect(maxRunning).toBe(1);
    const ended = seen
      .filter((s) => s.event === 'run.ended')
      .map((s) => (s.payload as { runId: string }).runId);
    expect(ended).toEqual([a.id, b.id]);
    expect(seen.filter((s) => s.event === 'run.epoch')).toHaveLength(4);
    const states = seen
      .filter((s) => s.event === 'runs.queue')
      .map((s) => s.payload as EventMap['runs.queue']);
    expect(states.some((s) => s.running === a.id && s.queued.includes(b.id) && s.batchTotal === 2)).toBe(
      true,
    );
    expect(states.at(-1)).toMatchObject({ running: null, queued: [] });
  });

  it('cancel stops the running run within a batch and takes a queued run off the queue', async () => {
    process.env.RIDGE_STANDIN = 'hang';
    const a = createRun(p, DEFAULT_RUN_CONFIG);
    const b = createRun(p, DEFAULT_RUN_CONFIG);
    const q = new RunQueue(p, { entry: STANDIN_TRAINER });
    const started = new Promise<void>((resolve) =>
      q.subscribe((e, s) => {
        if (e === 'runs.queue' && (s as EventMap['runs.queue']).running === a.id) resolve();
      }),
    );
    q.kick();
    await started;
    expect(q.cancel(b.id)).toBe(true);
    expect(p.runs.byId(b.id)!.status).toBe('cancelled');
    // Wait for the trainer to report its backend (it is then hanging in "training").
    for (let i = 0; i < 100 && p.runs.byId(a.id)!.status !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 20));
    const t0 = Date.now();
    expect(q.cancel(a.id)).toBe(true);
    await q.idle();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(p.runs.byId(a.id)!.status).toBe('cancelled');
    expect(q.state()).toMatchObject({ running: null, queued: [] });
  });

  it('a crashing run fails and the queue moves on to the next', async () => {
    process.env.RIDGE_STANDIN = 'crash';
    const a = createRun(p, DEFAULT_RUN_CONFIG);
    const q = new RunQueue(p, { entry: STANDIN_TRAINER });
    const seen = record(q);
    q.kick();
    await q.idle();
    expect(p.runs.byId(a.id)).toMatchObject({ status: 'failed' });
    expect(p.runs.byId(a.id)!.failReason).toMatch(/exited with code 3/);
    process.env.RIDGE_STANDIN = 'ok';
    const b = createRun(p, DEFAULT_RUN_CONFIG);
    q.kick();
    await q.idle();
    expect(p.runs.byId(b.id)!.status).toBe('done');
    expect(seen.some((s) => s.event === 'run.ended')).toBe(true);
  });

  it('queued and interrupted runs survive a restart: queued ones run, a dead run is marked and can be resumed', async () => {
    const queued = createRun(p, { ...DEFAULT_RUN_CONFIG, seed: 1 });
    const orphan = createRun(p, { ...DEFAULT_RUN_CONFIG, seed: 2 });
    // A process that ran `orphan` and died: its owner file names a pid that no longer exists.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    p.runs.markStarted(orphan.id, 'cpu', [], 'test');
    writeFileSync(path.join(runDir(p, orphan.id), OWNER_FILE), JSON.stringify({ pid: Number(dead.stdout) }));
    p.close();

    // "Restart": a new process opens the project and its queue.
    p = Project.open(dir);
    const q = new RunQueue(p, { entry: STANDIN_TRAINER });
    expect(q.recover()).toEqual([orphan.id]);
    await q.idle();
    expect(p.runs.byId(queued.id)!.status).toBe('done');
    const o = p.runs.byId(orphan.id)!;
    expect(o.status).toBe('failed');
    expect(o.failReason).toContain(INTERRUPTED_PREFIX);

    q.resume(orphan.id);
    await q.idle();
    expect(p.runs.byId(orphan.id)).toMatchObject({ status: 'done', failReason: null });
  });

  it('leaves alone a running run whose owner process is alive', () => {
    const r = createRun(p, DEFAULT_RUN_CONFIG);
    p.runs.markStarted(r.id, 'cpu', [], 'test');
    writeFileSync(path.join(runDir(p, r.id), OWNER_FILE), JSON.stringify({ pid: process.ppid }));
    const q = new RunQueue(p, { entry: STANDIN_TRAINER });
    expect(q.recover()).toEqual([]);
    expect(p.runs.byId(r.id)!.status).toBe('running');
  });
});
