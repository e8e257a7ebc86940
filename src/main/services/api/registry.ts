import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { Project } from '../project/project';
import { type QueueListener, RunQueue, type RunQueueOptions } from '../runs/queue';

/** One session's hold on an open project: the project, its run queue, its events. Release it when done. */
export interface OpenProject {
  readonly project: Project;
  readonly queue: RunQueue;
  /** Listen to the project's run events (every session on the project hears the same); returns unsubscribe. */
  subscribe(l: QueueListener): () => void;
  /** Let go of the project (idempotent); the last holder's release closes it once its queue is idle. */
  release(): void;
}

interface Entry {
  key: string;
  project: Project;
  queue: RunQueue;
  holders: number;
  listeners: Set<QueueListener>;
}

function keyOf(dir: string): string {
  const abs = path.resolve(dir);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

/**
 * The projects a front door has open: one Project (one database connection) and one run queue per project
 * folder, shared by every session on it, so two tabs on one project never start two trainers and each hears
 * the other's runs. Created by the door's composition root with the run queue's settings (owner, trainer
 * spawner, whether to adopt queued runs).
 */
export class ProjectRegistry {
  private readonly open = new Map<string, Entry>();
  private closed = false;

  constructor(private readonly queueOptions: RunQueueOptions) {}

  /** Open a project folder (or create one there), or join it when it is open already. */
  acquire(dir: string, how: 'open' | 'create' = 'open', name?: string): OpenProject {
    if (this.closed) throw new Error('the project registry is closed');
    let entry = this.open.get(keyOf(dir));
    if (!entry) {
      const project = how === 'create' ? Project.init(dir, name) : Project.open(dir);
      const key = keyOf(project.dir);
      entry = this.open.get(key);
      if (entry) project.close();
      else entry = this.add(key, project);
    }
    return this.hold(entry);
  }

  private add(key: string, project: Project): Entry {
    const queue = new RunQueue(project, this.queueOptions);
    const entry: Entry = { key, project, queue, holders: 0, listeners: new Set() };
    queue.subscribe((event, payload) => {
      for (const l of entry.listeners) l(event, payload);
    });
    this.open.set(key, entry);
    queue.start();
    return entry;
  }

  private hold(entry: Entry): OpenProject {
    entry.holders++;
    const mine = new Set<QueueListener>();
    let released = false;
    return {
      project: entry.project,
      queue: entry.queue,
      subscribe: (l) => {
        entry.listeners.add(l);
        mine.add(l);
        return () => {
          entry.listeners.delete(l);
          mine.delete(l);
        };
      },
      release: () => {
        if (released) return;
        released = true;
        for (const l of mine) entry.listeners.delete(l);
        entry.holders--;
        if (entry.holders === 0) void this.closeWhenIdle(entry);
      },
    };
  }

  /** The last holder left: close once the queue has trained what it holds (a closed tab never cancels a run). */
  private async closeWhenIdle(entry: Entry): Promise<void> {
    while (entry.queue.busy) await entry.queue.idle();
    if (entry.holders > 0 || this.open.get(entry.key) !== entry) return;
    this.open.delete(entry.key);
    await entry.queue.dispose();
    entry.project.close();
  }

  /** Shut down: every queue stops (a running run is cancelled, resumable) and every project closes. */
  async close(): Promise<void> {
    this.closed = true;
    const entries = [...this.open.values()];
    this.open.clear();
    for (const e of entries) {
      await e.queue.dispose();
      e.project.close();
    }
  }
}
