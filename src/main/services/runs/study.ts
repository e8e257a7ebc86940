// Studies as records: made by runs.startCompare (and so by `ridge compare` and the app's Compare preset), read
// back, cancelled and deleted as one unit. Their queued runs are ordinary queued runs, so a restarted queue
// continues them; the study's status is derived from its runs (shared/domain/study.ts).
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { armSettingsSchema, compareBaseSchema } from '../../../shared/domain/run-config';
import type { RunRecord } from '../../../shared/domain/runs';
import { type StudyRecord, type StudyStatus, studyStatus } from '../../../shared/domain/study';
import { UserError } from '../../../shared/errors';
import { type Project, RUNS_DIR } from '../project/project';
import { manifestHash } from './manifest';
import { createPlannedRuns, planComparison } from './plan';
import { deleteRun } from './run-files';

function newStudyId(): string {
  const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `s${t}-${randomBytes(3).toString('hex')}`;
}

/** What a study was asked to be: its arms, seeds, shared settings, and (optionally) its name and baseline. */
export interface StudyRequest {
  arms: z.output<typeof armSettingsSchema>[];
  seeds: number;
  base: z.output<typeof compareBaseSchema>;
  name?: string;
  baseline?: string;
}

/** A new study's record, its queued runs (seed-major) and the data notes. */
export interface StartedStudy {
  study: StudyRecord;
  runs: RunRecord[];
  notes: string[];
}

/** Plan, check and store a study and its runs on one frozen manifest, held by `owner`; nothing stored on refusal. */
export function createStudy(p: Project, req: StudyRequest, owner: string | null): StartedStudy {
  const plan = planComparison(req.arms, req.seeds, req.base);
  const arms = plan.arms.map((arm, i) => ({
    arm,
    reg: plan.configs[i]!.reg,
    lambda: plan.configs[i]!.lambda,
  }));
  const baseline = req.baseline ?? (plan.arms.includes('none') ? 'none' : plan.arms[0]!);
  if (!plan.arms.includes(baseline))
    throw new UserError(`baseline '${baseline}' is not one of the arms (${plan.arms.join(', ')})`);
  const id = newStudyId();
  const hashes = new Map(p.images.all().map((i) => [i.id, i.sha256]));
  let study: StudyRecord | undefined;
  const planned = createPlannedRuns(p, plan.configs, owner, (manifest) => {
    study = p.tx(() =>
      p.studies.insert({
        id,
        name: req.name ?? `${plan.arms.join(' vs ')}, ${req.seeds} seed${req.seeds === 1 ? '' : 's'}`,
        base: req.base,
        arms,
        seeds: req.seeds,
        baseline,
        manifestHash: manifestHash(manifest, hashes),
      }),
    );
    return id;
  });
  return { study: study!, runs: planned.runs, notes: planned.notes };
}

/** A study with its runs and derived status: what `ridge study list` and Experiments show. */
export interface StudyState {
  study: StudyRecord;
  status: StudyStatus;
  runs: RunRecord[];
  /** When the last run ended, once none is queued or running. */
  endedAt: string | null;
}

/** A stored study by id; an unknown id is refused in the words every door uses. */
export function studyState(p: Project, studyId: string): StudyState {
  const study = p.studies.byId(studyId);
  if (!study) throw new UserError(`no study ${studyId} in this project`);
  const runs = p.runs.ofStudy(studyId);
  const status = studyStatus(
    runs.map((r) => r.status),
    study.cancelledAt !== null,
  );
  const live = status === 'queued' || status === 'running';
  const ends = runs.map((r) => r.endedAt).filter((e): e is string => e !== null);
  return { study, status, runs, endedAt: live || ends.length === 0 ? null : ends.sort().at(-1)! };
}

function countFiles(dir: string): number {
  let n = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true }))
      n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  } catch {
    // no folder (a run that never started, or a study without a report): nothing to delete there
  }
  return n;
}

/** The files deleting a study removes: everything under its runs' folders and its own (report.html). */
export function studyFileCount(p: Project, st: StudyState): number {
  return [...st.runs.map((r) => r.id), st.study.id].reduce(
    (n, id) => n + countFiles(path.join(p.dir, RUNS_DIR, id)),
    0,
  );
}

/** Every study, oldest first, with its status. */
export function listStudies(p: Project): StudyState[] {
  return p.studies.list().map((s) => studyState(p, s.id));
}

/** Cancel a study as a whole: every queued or running run of it is cancelled (by `cancelRun`, the queue's). */
export function cancelStudy(p: Project, studyId: string, cancelRun: (runId: string) => boolean): string[] {
  const { runs } = studyState(p, studyId);
  p.tx(() => p.studies.markCancelled(studyId));
  // Waiting runs first, so the queue never starts one of them when the running one stops.
  const live = runs.filter((r) => r.status === 'queued' || r.status === 'running');
  live.sort((a, b) => +(a.status === 'running') - +(b.status === 'running'));
  return live.filter((r) => cancelRun(r.id)).map((r) => r.id);
}

/** Delete a study with its runs and their folders (cancel it first when a run is running). */
export function deleteStudy(p: Project, studyId: string): string[] {
  const { runs } = studyState(p, studyId);
  const running = runs.find((r) => r.status === 'running');
  if (running)
    throw new UserError(
      `study ${studyId} has run ${running.id} running; cancel the study before deleting it`,
    );
  const deleted = runs.filter((r) => deleteRun(p, r.id)).map((r) => r.id);
  p.tx(() => p.studies.remove(studyId));
  rmSync(path.join(p.dir, RUNS_DIR, studyId), { recursive: true, force: true }); // its report.html
  return deleted;
}

/** What resuming a study queued: runs continuing from their last checkpoint, and runs trained again from the start. */
export interface ResumedStudy {
  resumed: string[];
  restarted: string[];
}

/**
 * Resume a study after a restart, a crash or a cancel: interrupted runs (and queued ones no live process holds)
 * continue from their last checkpoint, failed and cancelled runs are trained again from the start, done runs are
 * kept, runs a live process trains are left to it. `resumeRun` is the queue's resume (it refuses a run a live
 * process holds). Refused, in the words every door uses, when there is nothing to do.
 */
export function resumeStudy(p: Project, studyId: string, resumeRun: (runId: string) => void): ResumedStudy {
  const { runs } = studyState(p, studyId);
  const out: ResumedStudy = { resumed: [], restarted: [] };
  for (const r of runs) {
    if (r.status === 'done') continue;
    if (r.status === 'failed' || r.status === 'cancelled') {
      if (!p.tx(() => p.runs.clearForRestart(r.id)))
        throw new UserError(`run ${r.id} changed while resuming study ${studyId}; try again`);
      resumeRun(r.id);
      out.restarted.push(r.id);
      continue;
    }
    try {
      resumeRun(r.id);
      out.resumed.push(r.id);
    } catch (err) {
      // Queued or running in a live process (this one included): it goes on there.
      if (r.status === 'interrupted' || !(err instanceof UserError)) throw err;
    }
  }
  if (out.resumed.length + out.restarted.length === 0)
    throw new UserError(
      `study ${studyId} has nothing to resume: its runs are done or training in a live process`,
    );
  p.tx(() => p.studies.markResumed(studyId));
  return out;
}
