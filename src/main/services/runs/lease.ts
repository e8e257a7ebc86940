// Owner leases of runs: every queued or running run is held by one process (the one whose queue will train or is
// training it), which renews a heartbeat in the project database every HEARTBEAT_MS. Another process may take a
// run over only when its owner is gone: the heartbeat is older than STALE_MS, or (same machine) the owner's pid
// no longer runs, or runs a different program that reuses the pid (its start time differs).
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** How often an owner renews the heartbeat of the runs it holds. */
export const HEARTBEAT_MS = 2_000;
/** A heartbeat older than this means the owner is gone (three missed beats). */
export const STALE_MS = 6_000;

/** The process that holds a run. */
export interface RunOwner {
  pid: number;
  /** When the process started, in the kernel's clock ticks since boot (Linux); null where unknown. */
  start: number | null;
  host: string;
}

/** When process `pid` started (Linux: field 22 of /proc/<pid>/stat), or null where that cannot be read. */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces and parentheses) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process as a run owner (the composition root of each front door asks once and passes it on). */
export function thisProcessOwner(): RunOwner {
  return { pid: process.pid, start: processStart(process.pid), host: os.hostname() };
}

/**
 * A lease holder as stored in the run table: the owner process plus which of its queues (`holder`), in one
 * canonical text the database compares exactly. Two queues of one process hold runs apart, so a queue that is
 * gone stops renewing its runs even while its process lives.
 */
export function ownerKey(o: RunOwner, holder: string): string {
  return JSON.stringify({ pid: o.pid, start: o.start, host: o.host, holder });
}

/** The owner a stored key names, or null for none or an unreadable one. */
export function parseOwner(key: string | null): RunOwner | null {
  if (!key) return null;
  try {
    const o = JSON.parse(key) as Partial<RunOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string'
      ? { pid: o.pid, start: typeof o.start === 'number' ? o.start : null, host: o.host }
      : null;
  } catch {
    return null;
  }
}

/**
 * Why a run's owner is gone (a sentence for the run's reason), or null while it is alive: a stale or missing
 * heartbeat; on this machine also a pid that no longer runs or now belongs to another process.
 */
export function ownerGone(
  owner: RunOwner | null,
  heartbeatAt: number | null,
  now = Date.now(),
  staleMs = STALE_MS,
): string | null {
  if (!owner) return 'no process holds it';
  if (owner.host === os.hostname()) {
    if (!pidAlive(owner.pid)) return `process ${owner.pid} ended`;
    const start = owner.start === null ? null : processStart(owner.pid);
    if (start !== null && start !== owner.start) return `process ${owner.pid} ended`;
  }
  if (heartbeatAt === null || now - heartbeatAt > staleMs)
    return `process ${owner.pid} on ${owner.host} stopped renewing its lease`;
  return null;
}
