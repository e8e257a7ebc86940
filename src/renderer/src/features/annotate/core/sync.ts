import { isRetryable } from '../../../../../shared/api/errors';
import type { Annotation } from '../../../../../shared/domain/types';
import {
  boxContent,
  type DocBox,
  type EditorApi,
  type ImageStatus,
  manualBoxFields,
  type SaveState,
} from './types';

/** One write to the store, in the order the person made the changes. */
export type SaveOp =
  | { kind: 'create'; box: DocBox }
  | {
      kind: 'update';
      key: string;
      patch: Partial<Pick<DocBox, 'x' | 'y' | 'w' | 'h' | 'classId' | 'difficult' | 'truncated' | 'state'>>;
    }
  | { kind: 'delete'; key: string }
  | { kind: 'status'; imageId: number; status: ImageStatus }
  | { kind: 'call'; label: string; run: (api: EditorApi, q: SaveQueue) => Promise<void> };

/**
 * Whether trying the write again can help: only a lost link, a timeout or a busy store (API_ERRORS' retryable
 * codes). A refusal, a bug in the services or an error without a code is given up and shown, so one bad write
 * never blocks every later edit.
 */
function worthRetrying(err: unknown): boolean {
  return isRetryable((err as { code?: string } | null)?.code);
}

/** What the save indicator shows. */
export interface SaveStatus {
  state: SaveState;
  pending: number;
  error: string | null;
  /** A change the store refused for good: shown, and the image is re-read so the screen equals the store. */
  rejected: string | null;
}

/**
 * Writes every change to the store in order, one at a time. A write that failed for a passing reason (offline,
 * timeout, busy) is retried with backoff and never dropped; any other failure is given up and reported.
 */
export class SaveQueue {
  private readonly ops: SaveOp[] = [];
  private readonly ids = new Map<string, number>();
  private readonly classAliases = new Map<number, number>();
  private running = false;
  private attempt = 0;
  private idleWaiters: (() => void)[] = [];
  status: SaveStatus = { state: 'saved', pending: 0, error: null, rejected: null };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: EditorApi,
    private readonly onRejected: (op: SaveOp, message: string) => void = () => undefined,
    private readonly retryDelayMs: (attempt: number) => number = (a) => Math.min(250 * 2 ** a, 4000),
  ) {}

  /** Listen to save-status changes. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private setStatus(s: Partial<SaveStatus>): void {
    this.status = { ...this.status, ...s, pending: this.ops.length };
    for (const fn of this.listeners) fn();
  }

  /** Tell the queue a key is stored under this id (boxes loaded from the store). */
  bind(key: string, id: number): void {
    this.ids.set(key, id);
  }

  /** A class was re-created under a new id (undo of a class delete or merge): later writes use the new id. */
  aliasClass(oldId: number, newId: number): void {
    this.classAliases.set(oldId, newId);
  }

  private classId(id: number): number {
    let cur = id;
    for (let i = 0; i < 50 && this.classAliases.has(cur); i++) cur = this.classAliases.get(cur)!;
    return cur;
  }

  /** A box was re-created under a new id (undo of a class delete): keys that named the old id follow it. */
  rebindId(oldId: number, newId: number): void {
    for (const [k, v] of this.ids) if (v === oldId) this.ids.set(k, newId);
  }

  /** The store id of a key, if it has one yet. */
  idOf(key: string): number | undefined {
    return this.ids.get(key);
  }

  /** Queue a write; it starts at once unless earlier writes are still going. */
  push(op: SaveOp): void {
    this.ops.push(op);
    this.setStatus({ state: this.status.state === 'failed' ? 'failed' : 'saving' });
    void this.pump();
  }

  /** Resolves when every queued write has landed (or been refused for good). */
  idle(): Promise<void> {
    if (!this.ops.length && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.ops.length) {
      const op = this.ops[0]!;
      try {
        await this.run(op);
        this.ops.shift();
        this.attempt = 0;
        this.setStatus({ state: this.ops.length ? 'saving' : 'saved', error: null });
      } catch (err) {
        const message = (err as Error).message ?? String(err);
        if (!worthRetrying(err)) {
          this.ops.shift();
          this.attempt = 0;
          this.setStatus({ state: this.ops.length ? 'saving' : 'saved', rejected: message, error: null });
          this.onRejected(op, message);
          continue;
        }
        this.setStatus({ state: 'failed', error: message });
        await new Promise((r) => setTimeout(r, this.retryDelayMs(this.attempt++)));
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async run(op: SaveOp): Promise<void> {
    const api = this.api;
    switch (op.kind) {
      case 'create': {
        const b = op.box;
        const a: Annotation =
          b.source === 'manual' && b.state === 'accepted'
            ? await api['annotations.create'](manualBoxFields(b, this.classId(b.classId)))
            : (await api['annotations.createMany']({ items: [boxContent(b, this.classId(b.classId))] }))[0]!;
        this.ids.set(b.key, a.id);
        return;
      }
      case 'update': {
        const id = this.ids.get(op.key);
        if (id === undefined) return; // its create was refused: nothing to change
        const patch = { ...op.patch };
        if (patch.classId !== undefined) patch.classId = this.classId(patch.classId);
        await api['annotations.update']({ id, ...patch });
        return;
      }
      case 'delete': {
        const id = this.ids.get(op.key);
        if (id === undefined) return;
        await api['annotations.delete']({ id });
        this.ids.delete(op.key);
        return;
      }
      case 'status':
        await api['images.setStatus']({ id: op.imageId, status: op.status });
        return;
      case 'call':
        await op.run(api, this);
        return;
    }
  }
}
