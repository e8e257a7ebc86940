import type { EventMap } from '../../shared/api/contract';
import { kernelSummary, type RunRecord } from '../../shared/domain/runs';
import type { CliDoor } from './door';
import { type CliIo, note } from './io';
import { createProgress, type Progress } from './progress';

/** What became of the runs a command queued. */
export interface FollowedRuns {
  runs: RunRecord[];
  /** Ctrl-C or SIGTERM asked to stop (the runs were cancelled, resumable). */
  interrupted: boolean;
}

/**
 * Queue runs through the API (`start`) and follow them to their end on stderr: backend choice, a progress bar per
 * run, its end. Ctrl-C or SIGTERM (`kill`, a service manager, a CI timeout) cancels them through the queue, so
 * they are stored as cancelled (resumable), not left running; a second signal exits at once.
 */
export async function followRuns(
  door: CliDoor,
  io: CliIo,
  start: () => Promise<string[]>,
  label: (r: RunRecord, index: number, all: RunRecord[]) => string,
): Promise<FollowedRuns> {
  const ended = new Set<string>();
  const bars = new Map<string, { bar: Progress; label: string; epochs: number }>();
  let ids: string[] = [];
  let allEnded: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allEnded = resolve));
  const check = () => {
    if (ids.length && ids.every((id) => ended.has(id))) allEnded();
  };
  const off = door.on((event, payload) => {
    if (event === 'run.ended') {
      const e = payload as { runId: string; status: string; failReason: string | null };
      ended.add(e.runId);
      bars.get(e.runId)?.bar.done(e.failReason ? `${e.status}: ${e.failReason}` : e.status);
      check();
      return;
    }
    const runId = (payload as { runId?: string }).runId;
    const b = runId ? bars.get(runId) : undefined;
    if (!b) return;
    if (event === 'run.started') {
      const e = payload as EventMap['run.started'];
      note(io, `${b.label}: training on ${e.backend} (${e.device})`);
      const kernels = kernelSummary(e.reasons);
      if (kernels) note(io, `  kernels (faster of each, timed on this machine): ${kernels}`);
      const pipeline = e.reasons.find((r) => r.backend === e.backend)?.dataPipeline;
      if (pipeline) note(io, `  data pipeline: ${pipeline}`);
      for (const r of e.reasons.filter((x) => x.backend !== e.backend))
        note(io, `  ${r.backend}: ${r.reason}`);
    } else if (event === 'run.progress') {
      const e = payload as { epoch: number; step: number; steps: number; loss: number };
      b.bar.update(e.epoch, b.epochs, `step ${e.step}/${e.steps} loss ${e.loss.toFixed(3)}`);
    } else if (event === 'run.epoch') {
      const e = payload as { epoch: number; mAP50: number };
      b.bar.update(e.epoch, b.epochs, `val mAP50 ${e.mAP50.toFixed(3)}`); // epochs count from 1
    }
  });
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    note(io, '\ncancelling (the trainer stops after the current batch; Ctrl-C again to quit now)');
    // Queued ones first, so the queue never starts the next one; then the running one.
    void (async () => {
      for (const id of [...ids].reverse())
        if (!ended.has(id)) await door.call('runs.cancel', { runId: id }).catch(() => undefined);
    })();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Also look in the store now and then: a run that ended without this process hearing it (another process
  // took it over) must not leave the command waiting, and the timer keeps the process alive until the end.
  const poll = setInterval(() => {
    void door.call('runs.list', {}).then((all) => {
      for (const r of all)
        if (ids.includes(r.id) && r.status !== 'queued' && r.status !== 'running') ended.add(r.id);
      check();
    });
  }, 2_000);
  try {
    ids = await start();
    const runs = (await door.call('runs.list', {})).filter((r) => ids.includes(r.id));
    runs.forEach((r, i) => {
      const l = label(r, i, runs);
      bars.set(r.id, { bar: createProgress(io, l, r.config.epochs), label: l, epochs: r.config.epochs });
    });
    check();
    await done;
  } finally {
    clearInterval(poll);
    off();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const after = await door.call('runs.list', {});
  return { runs: ids.map((id) => after.find((r) => r.id === id)!), interrupted };
}

/** One line about a finished run. */
export function runLine(r: RunRecord): string {
  const t = r.testMetrics;
  const res = t
    ? `test mAP50 ${t.AP50?.toFixed(3)} mAP50-95 ${t.AP?.toFixed(3)}`
    : (r.failReason ?? r.status);
  return `${r.id}  ${r.config.arm.padEnd(12)} seed ${r.config.seed}  ${r.status.padEnd(9)} ${res}`;
}
