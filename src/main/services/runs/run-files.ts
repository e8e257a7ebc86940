import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import type { Project } from '../project/project';
import { runDir } from './runs';

/** The exported model of a run (written by the trainer when the run is done). */
export function modelDirOf(p: Project, runId: string): string {
  return path.join(runDir(p, runId), 'model');
}

/** Whether a run has an exported model to download or predict with. */
export function hasModel(p: Project, runId: string): boolean {
  return existsSync(path.join(modelDirOf(p, runId), 'model.json'));
}

/** The display name of a run, or null when it has none. */
export function runName(p: Project, runId: string): string | null {
  return p.runs.name(runId);
}

/** Give a run a display name, stored in the project database like every other edit (an empty name clears it). */
export function renameRun(p: Project, runId: string, name: string): string | null {
  if (!p.runs.byId(runId)) throw new UserError(`no run ${runId} in this project`);
  const next = name.trim() || null;
  p.tx(() => p.runs.rename(runId, next));
  return next;
}

/** Delete a run: its row, its metrics and its folder. A running run must be cancelled first. */
export function deleteRun(p: Project, runId: string): boolean {
  const r = p.runs.byId(runId);
  if (!r) return false;
  if (r.status === 'running') throw new UserError(`run ${runId} is running; cancel it before deleting it`);
  p.tx(() => p.runs.remove(runId));
  rmSync(runDir(p, runId), { recursive: true, force: true });
  return true;
}
