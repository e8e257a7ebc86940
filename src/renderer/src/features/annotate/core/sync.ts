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

/** A write that is plain data (kept in the offline journal); `idem` is its idempotency key, given on push. */
export type DataOp = (
  | { kind: 'create'; box: DocBox }
  | {
      kind: 'update';
      key: string;
      patch: Partial<Pick<DocBox, 'x' | 'y' | 'w' | 'h' | 'classId' | 'difficult' | 'truncated' | 'state'>>;
    }
  | { kind: 'delete'; key: string }
  | { kind: 'status'; imageId: number; status: ImageStatus }
) & { idem?: string };

/** One write to the store, in the order the person made the changes. */
export type SaveOp =
  DataOp | { kind: 'call'; label: string; run: (api: EditorApi, q: SaveQueue) => Promise<void> };

/** The queue's unsent data writes and the store ids they need, as the offline journal keeps them. */
export interface JournalEntry {
  ops: DataOp[];
  /** Store ids of boxes drawn in this page that later writes name (their create has landed). */
  ids: [string, number][];
  savedAt: number;
}

let idemSeq = 0;
/** A fresh idempotency key: random per page load, counted per write. */
function idemKey(): string {
  const rnd = globalThis.crypto?.getRandomValues?.(new Uint32Array(2)) ?? [
    Math.random() * 2 ** 32,
    Date.now(),
  ];
  return `w${Array.from(rnd, (n) => Math.floor(n).toString(36)).join('')}${(++idemSeq).toString(36)}`;
}

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
  /** The API error code of the failure being retried ('busy': another process holds the project's write lock). */
  errorCode: string | null;
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
  private wake: (() => void) | null = null;
  private idleWaiters: (() => void)[] = [];
  status: SaveStatus = { state: 'saved', pending: 0, error: null, errorCode: null, rejected: null };
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
    this.ops.push(op.kind === 'call' || op.idem ? op : { ...op, idem: idemKey() });
    this.setStatus({ state: this.status.state === 'failed' ? 'failed' : 'saving' });
    void this.pump();
  }

  /** Try the failed write again now instead of after its back-off. */
  retryNow(): void {
    this.attempt = 0;
    this.wake?.();
  }

  /** The unsent data writes, for the offline journal (class commands are not kept: they need this page). */
  snapshot(): JournalEntry {
    const ops = this.ops.filter((o): o is DataOp => o.kind !== 'call');
    const named = new Set(ops.map((o) => (o.kind === 'update' || o.kind === 'delete' ? o.key : '')));
    const ids = [...this.ids].filter(([k]) => named.has(k) && !k.startsWith('s'));
    return { ops, ids, savedAt: Date.now() };
  }

  /** Queue writes a journal kept (a reload, a closed tab) ahead of new ones, with their keys and ids. */
  restore(entry: JournalEntry): void {
    for (const [k, id] of entry.ids) this.ids.set(k, id);
    for (const op of entry.ops) {
      const key = op.kind === 'update' || op.kind === 'delete' ? op.key : null;
      const stored = key ? /^s(\d+)$/.exec(key) : null;
      if (key && stored && !this.ids.has(key)) this.ids.set(key, Number(stored[1]));
      this.push(op);
    }
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
        this.setStatus({ state: this.ops.length ? 'saving' : 'saved', error: null, errorCode: null });
      } catch (err) {
        const message = (err as Error).message ?? String(err);
        if (!worthRetrying(err)) {
          this.ops.shift();
          this.attempt = 0;
          this.setStatus({
            state: this.ops.length ? 'saving' : 'saved',
            rejected: message,
            error: null,
            errorCode: null,
          });
          this.onRejected(op, message);
          continue;
        }
        this.setStatus({
          state: 'failed',
          error: message,
          errorCode: (err as { code?: string }).code ?? null,
        });
        await new Promise<void>((r) => {
          const t = setTimeout(r, this.retryDelayMs(this.attempt++));
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = null;
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async run(op: SaveOp): Promise<void> {
    const api = this.api;
    const once = op.kind !== 'call' && op.idem ? { key: op.idem } : undefined;
    switch (op.kind) {
      case 'create': {
        const b = op.box;
        const a: Annotation =
          b.source === 'manual' && b.state === 'accepted'
            ? await api['annotations.create'](manualBoxFields(b, this.classId(b.classId)), once)
            : (
                await api['annotations.createMany']({ items: [boxContent(b, this.classId(b.classId))] }, once)
              )[0]!;
        this.ids.set(b.key, a.id);
        return;
      }
      case 'update': {
        const id = this.ids.get(op.key);
        if (id === undefined) return; // its create was refused: nothing to change
        const patch = { ...op.patch };
        if (patch.classId !== undefined) patch.classId = this.classId(patch.classId);
        await api['annotations.update']({ id, ...patch }, once);
        return;
      }
      case 'delete': {
        const id = this.ids.get(op.key);
        if (id === undefined) return;
        await api['annotations.delete']({ id }, once);
        this.ids.delete(op.key);
        return;
      }
      case 'status':
        await api['images.setStatus']({ id: op.imageId, status: op.status }, once);
        return;
      case 'call':
        await op.run(api, this);
        return;
    }
  }
}
