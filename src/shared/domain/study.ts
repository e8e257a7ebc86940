// A study: one frozen manifest, one base config, arms and seeds, paired by seed. Stored on its own (study table);
// its status is derived from its runs, here, so every door shows the same.
import type { RegMode, RunStatus } from './runs';

/** Study statuses: partial when some runs failed or were cancelled and the rest finished. */
export type StudyStatus = 'queued' | 'running' | 'done' | 'partial' | 'cancelled' | 'failed';

/** A stored study. */
export interface StudyRecord {
  id: string;
  name: string;
  /** The settings every run shares (the compare base). */
  base: Record<string, unknown>;
  arms: { arm: string; reg: RegMode; lambda: number }[];
  seeds: number;
  /** The arm every other one is judged against. */
  baseline: string;
  manifestHash: string;
  createdAt: string;
  cancelledAt: string | null;
}

/** A study's status from its runs' statuses (and whether a person cancelled it). */
export function studyStatus(runs: readonly RunStatus[], cancelled: boolean): StudyStatus {
  if (runs.some((s) => s === 'running')) return 'running';
  if (runs.some((s) => s === 'queued')) return runs.every((s) => s === 'queued') ? 'queued' : 'running';
  if (runs.length === 0) return cancelled ? 'cancelled' : 'failed';
  if (runs.every((s) => s === 'done')) return 'done';
  if (runs.every((s) => s === 'failed')) return 'failed';
  if (cancelled && !runs.some((s) => s === 'done')) return 'cancelled';
  if (runs.every((s) => s === 'cancelled' || s === 'interrupted')) return 'cancelled';
  return 'partial';
}
