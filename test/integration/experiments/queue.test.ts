import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../../src/shared/api/contract';
import { Project } from '../../../src/main/services/project/project';
import { ownerKey, thisProcessOwner } from '../../../src/main/services/runs/lease';
import { createPlannedRuns } from '../../../src/main/services/runs/plan';
import { RunQueue } from '../../../src/main/services/runs/queue';
import { createRun } from '../../../src/main/services/runs/runs';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../../src/shared/domain/runs';
import { makeSampleProject } from '../../helpers/sample-project';
import { standInQueue } from '../../helpers/studio';
import type { makeTmpDir } from '../../helpers/tmp';

// The run queue with the stand-in trainer (real protocol, real child processes, real SQLite; no tfjs), and the
// owner leases that let several processes share one project's runs.
let tmp: ReturnType<typeof makeTmpDir>;
let p: Project;
let dir: string;
const queues: RunQueue[] = [];

beforeEach(async () => {
  ({ tmp, dir, p } = await makeSampleProject(3));
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.dispose();
  p.close();
  tmp.cleanup();
});

function queue(mode = 'ok', extra: Parameters<typeof standInQueue>[1] = {}): RunQueue {
  const q = new RunQueue(p, standInQueue(mode, extra));
  queues.push(q);
  return q;
}

/** Runs created and queued by `q` (as runs.start does). */
function queueRuns(q: RunQueue, ...configs: RunConfig[]): string[] {
  const ids = createPlannedRuns(p, configs, q.holder).runs.map((r) => r.id);
  q.enqueue(ids);
  return ids;
}

type Seen = { event: keyof EventMap; payload: unknown };
function record(q: RunQueue): Seen[] {
  const seen: Seen[] = [];
  q.subscribe((event, payload) => seen.push({ event, payload }));
  return seen;
}

/** The pid of a process that has just ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

/** A run stored as running, held by `owner` (a lease key) with a heartbeat now. */
function runningHeldBy(owner: string): string {
  const r = createRun(p, DEFAULT_RUN_CONFIG, undefined, owner);
  p.runs.markStarted(r.id, 'cpu', [], 'test');
  return r.id;
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the run queue', () => {
  it('runs queued runs one at a time, in order, pushing started, epoch, queue and end events', async () => {
    const q = queue();
    let maxRunning = 0;
    q.subscribe(() => {
      maxRunning = Math.max(maxRunning, p.runs.list().filter((r) => r.status === 'running').length);
    });
    const seen = record(q);
    const [a, b] = queueRuns(q, { ...DEFAULT_RUN_CONFIG, seed: 0 }, { ...DEFAULT_RUN_CONFIG, seed: 1 });
    await q.idle();
    expect(p.runs.byId(a!)!.status).toBe('done');
    expect(p.runs.byId(b!)!.status).toBe('done');
    expect(maxRunning).toBe(1);
    const ended = seen
      .filter((s) => s.event === 'run.ended')
      .map((s) => (s.payload as { runId: string }).runId);
    expect(ended).toEqual([a, b]);
    expect(seen.filter((s) => s.event === 'run.epoch')).toHaveLength(4);
    expect(seen.filter((s) => s.event === 'run.started')).toHaveLength(2);
    const states = seen
      .filter((s) => s.event === 'runs.queue')
      .map((s) => s.payload as EventMap['runs.queue']);
    expect(states.some((s) => s.running === a && s.queued.includes(b!) && s.batchTotal === 2)).toBe(true);
    expect(states.at(-1)).toMatchObject({ running: null, queued: [] });
  });

  it('cancel stops the running run within a batch and takes a queued run off the queue', async () => {
    const q = queue('hang');
    const [a, b] = queueRuns(q, DEFAULT_RUN_CONFIG, DEFAULT_RUN_CONFIG);
    await until(() => p.runs.byId(a!)!.status === 'running');
    expect(q.cancel(b!)).toBe(true);
    expect(p.runs.byId(b!)!.status).toBe('cancelled');
    expect(q.cancel(a!)).toBe(true);
    await q.idle();
    expect(p.runs.byId(a!)!.status).toBe('cancelled');
    expect(q.state()).toMatchObject({ running: null, queued: [] });
  });

  it('a crashing run fails and the queue moves on to the next', async () => {
    const q = queue('crash');
    const [a] = queueRuns(q, DEFAULT_RUN_CONFIG);
    await q.idle();
    expect(p.runs.byId(a!)).toMatchObject({ status: 'failed' });
    expect(p.runs.byId(a!)!.failReason).toMatch(/exited with code 3/);
  });
});

describe('owner leases', () => {
  it('a restart: queued runs no process holds are taken and trained; a dead owner’s running run is interrupted, then resumed', async () => {
    const queued = createRun(p, { ...DEFAULT_RUN_CONFIG, seed: 1 }); // held by nobody
    const orphan = runningHeldBy(ownerKey({ pid: deadPid(), start: null, host: os.hostname() }, 'gone'));
    p.close();

    // "Restart": a new process opens the project and its queue.
    p = Project.open(dir);
    const q = queue();
    const seen = record(q);
    expect(q.start()).toEqual([orphan]);
    await q.idle();
    expect(p.runs.byId(queued.id)!.status).toBe('done');
    const o = p.runs.byId(orphan)!;
    expect(o.status).toBe('interrupted');
    expect(o.failReason).toMatch(/process \d+ ended; resume continues from the last checkpoint/);
    expect(seen).toContainEqual({
      event: 'run.ended',
      payload: { runId: orphan, status: 'interrupted', failReason: o.failReason },
    });

    q.resume(orphan);
    await q.idle();
    expect(p.runs.byId(orphan)).toMatchObject({ status: 'done', failReason: null });
  });

  it('leaves a run alone while its owner renews its lease, and interrupts it once the heartbeat goes stale', async () => {
    const other = ownerKey(thisProcessOwner(), 'another-queue'); // a live process, another holder
    const id = runningHeldBy(other);
    const q = queue('ok', { staleMs: 400, heartbeatMs: 50 });
    expect(q.start()).toEqual([]);
    expect(p.runs.byId(id)!.status).toBe('running');
    expect(() => q.resume(id)).toThrow(`run ${id} is running in process ${process.pid}`);
    expect(() => q.cancel(id)).toThrow(/is running in process \d+; stop it there/);
    // The owner stops renewing (it hangs or dies without the pid going away): interrupted after staleMs.
    await until(() => p.runs.byId(id)!.status === 'interrupted', 5_000);
    expect(p.runs.byId(id)!.failReason).toMatch(/stopped renewing its lease/);
  });

  it('a queue renews the leases it holds, so another process never takes its runs', async () => {
    const a = queue('hang', { heartbeatMs: 50, staleMs: 400 });
    a.start();
    const [id] = queueRuns(a, DEFAULT_RUN_CONFIG);
    await until(() => p.runs.byId(id!)!.status === 'running');
    const b = queue('ok', { heartbeatMs: 50, staleMs: 400 });
    b.start();
    await new Promise((r) => setTimeout(r, 900)); // more than twice staleMs
    expect(p.runs.byId(id!)!.status).toBe('running');
    expect(b.state().elsewhere).toEqual([{ runId: id, pid: process.pid }]);
    expect(a.cancel(id!)).toBe(true);
    await a.idle();
    expect(p.runs.byId(id!)!.status).toBe('cancelled');
  });

  it('two queues sharing one project’s queued runs train each run exactly once', async () => {
    const ids = [0, 1, 2, 3].map((seed) => createRun(p, { ...DEFAULT_RUN_CONFIG, seed }).id);
    const a = queue();
    const b = queue();
    const ends = record(a);
    const endsB = record(b);
    a.start();
    b.start();
    await until(() => ids.every((id) => p.runs.byId(id)!.status === 'done'));
    await Promise.all([a.idle(), b.idle()]);
    const endedBy = [...ends, ...endsB]
      .filter((s) => s.event === 'run.ended')
      .map((s) => (s.payload as { runId: string }).runId)
      .sort();
    expect(endedBy).toEqual([...ids].sort());
  });

  it('a queue that does not adopt (a `ridge train`) trains only what it queued itself', async () => {
    const stray = createRun(p, DEFAULT_RUN_CONFIG);
    const q = queue('ok', { adopt: false });
    q.start();
    const [mine] = queueRuns(q, DEFAULT_RUN_CONFIG);
    await q.idle();
    expect(p.runs.byId(mine!)!.status).toBe('done');
    expect(p.runs.byId(stray.id)!.status).toBe('queued');
  });
});
