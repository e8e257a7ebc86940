import type { EventMap } from '../../../shared/api/contract';
import type { Project } from '../project/project';

/** Something that wants run events (a queue's listeners). */
export type RunEventSink = <E extends keyof EventMap>(event: E, payload: EventMap[E]) => void;

/**
 * Runs of a project that another process trains (a `ridge train` beside the app, a second app window): what
 * they store in the shared database becomes the same events this process's own runs push (started, each epoch,
 * ended), so they show up live in the views. Read on each heartbeat tick; nothing is replayed from before the
 * first look.
 */
export class ForeignRunWatch {
  private readonly seen = new Map<string, { epochs: number; started: boolean; pid: number }>();

  constructor(
    private readonly p: Project,
    private readonly emit: RunEventSink,
  ) {}

  /** The foreign runs being trained now, as the last update saw them. */
  running(): { runId: string; pid: number }[] {
    return [...this.seen].map(([runId, s]) => ({ runId, pid: s.pid }));
  }

  /** Take in the runs other live processes hold now; returns whether anything changed since the last call. */
  update(held: { runId: string; pid: number }[]): boolean {
    let changed = false;
    const now = new Set(held.map((h) => h.runId));
    for (const h of held) {
      const run = this.p.runs.byId(h.runId);
      if (!run) continue;
      let s = this.seen.get(h.runId);
      if (!s) {
        s = { epochs: this.p.runs.epochCount(h.runId), started: false, pid: h.pid };
        this.seen.set(h.runId, s);
        changed = true;
      }
      if (!s.started && run.status === 'running' && run.backend) {
        s.started = true;
        this.emit('run.started', {
          runId: run.id,
          backend: run.backend,
          device: run.device ?? '',
          reasons: run.backendReasons,
        });
      }
      changed = this.newEpochs(h.runId, s) || changed;
    }
    for (const [runId, s] of this.seen) {
      if (now.has(runId)) continue;
      this.seen.delete(runId);
      changed = true;
      this.newEpochs(runId, s);
      const run = this.p.runs.byId(runId);
      if (run && run.status !== 'queued' && run.status !== 'running')
        this.emit('run.ended', { runId, status: run.status, failReason: run.failReason });
    }
    return changed;
  }

  private newEpochs(runId: string, s: { epochs: number }): boolean {
    const n = this.p.runs.epochCount(runId);
    if (n <= s.epochs) return false;
    for (const e of this.p.runs.epochs(runId).slice(s.epochs)) this.emit('run.epoch', e);
    s.epochs = n;
    return true;
  }
}
