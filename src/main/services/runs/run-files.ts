import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../db/errors';
import type { Project } from '../project/project';
import { runDir } from './runs';

/** File in a run's folder holding the display name a person gave it (the database keeps the run's facts only). */
export const NAME_FILE = 'name.txt';

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
  const f = path.join(runDir(p, runId), NAME_FILE);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() || null : null;
}

/** Give a run a display name (an empty name clears it). */
export function renameRun(p: Project, runId: string, name: string): string | null {
  if (!p.runs.byId(runId)) throw new UserError(`no run ${runId} in this project`);
  const f = path.join(runDir(p, runId), NAME_FILE);
  if (!name.trim()) {
    rmSync(f, { force: true });
    return null;
  }
  writeFileSync(f, name.trim());
  return name.trim();
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
