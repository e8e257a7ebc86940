import type Database from 'better-sqlite3';
import { ProjectBusyError } from '../../../shared/errors';

/** How long an API write waits for another process's lock before it fails with a retryable `busy`. */
export const WRITE_WAIT_MS = 5_000;
/**
 * SQLite's own (synchronous) wait for a lock on a server's connection: short, so a locked project never stalls
 * the event loop for more than this; longer waits happen between attempts, asynchronously.
 */
export const SERVER_BUSY_TIMEOUT_MS = 25;

/** Whether an error is SQLite saying another connection holds the lock. */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Run `fn` (a write that fails as a whole on SQLITE_BUSY, its transaction rolled back), again and again with
 * backoff (5 ms doubling to 200 ms) while another process holds the lock, until `waitMs` have passed; then
 * ProjectBusyError (waitMs counted from `from`, or else from the first refusal). The waiting is asynchronous: the event loop serves reads meanwhile.
 */
export async function retryWhileBusy<T>(fn: () => T | Promise<T>, waitMs: number, from?: number): Promise<T> {
  let since = from;
  for (let delay = 5; ; delay = Math.min(200, delay * 2)) {
    try {
      return await fn();
    } catch (err) {
      if (!isSqliteBusy(err)) throw err;
      since ??= Date.now(); // without a start given, the wait counts from the first refusal
      const left = since + waitMs - Date.now();
      if (left <= 0) throw new ProjectBusyError(Date.now() - since);
      await sleep(Math.min(delay, left));
    }
  }
}

/**
 * The API's writes to one project database, one at a time in arrival order (an edit never overtakes an earlier
 * one that is waiting for the lock), each retried while another process holds the lock (retryWhileBusy); the wait
 * counts from arrival, queueing included.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly waitMs = WRITE_WAIT_MS) {}

  /** Run a write after every earlier one has finished; a `busy` ProjectBusyError after waitMs. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const since = Date.now();
    const result = this.tail.then(() => retryWhileBusy(fn, this.waitMs, since));
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Run a long write (an import) beside the queue, not in it: retried while busy, but nothing waits behind it. */
  runBeside<T>(fn: () => T | Promise<T>): Promise<T> {
    return retryWhileBusy(fn, this.waitMs);
  }
}

const queues = new WeakMap<Database.Database, WriteQueue>();

/** The write queue of a database connection (one per open project, shared by every session on it). */
export function writeQueueOf(db: Database.Database, waitMs = WRITE_WAIT_MS): WriteQueue {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = new WriteQueue(waitMs)));
  return q;
}
