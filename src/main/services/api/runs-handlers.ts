import os from 'node:os';
import type { ResultMap } from '../../../shared/api/contract';
import type { RunRowView, RunsTable } from '../../../shared/api/runs-contract';
import { prelabel, prelabelWithCoco } from '../labeling/prelabel';
import type { Project } from '../project/project';
import { detectionSaliencyMap, measureRobustness } from '../runs/analysis';
import { compareRuns } from '../runs/compare';
import { dataNotes, dataProblems, planData } from '../runs/data-checks';
import { freezeManifest, manifestSummary } from '../runs/manifest';
import { deleteRun, hasModel, renameRun, runName } from '../runs/run-files';
import { toRunRow } from '../runs/run-row';
import { createPlannedRuns, planRun } from '../runs/plan';
import {
  cancelStudy,
  createStudy,
  deleteStudy,
  listStudies,
  resumeStudy,
  studyFileCount,
} from '../runs/study';
import { analyzeStudy, verdictViews } from '../runs/study-analysis';
import { predictFolder } from '../runs/predict-folder';
import { writeComparisonReport, writeStudyReport } from '../runs/report';
import { runTestEval } from '../runs/test-eval';
import type { RunConfig } from '../../../shared/domain/runs';
import type { HandlerServices, Handlers } from './handlers';
import { unconfinedReach } from './reach';
import type { StudioSession } from './session';

/** Fewer labeled training images than this and the panel warns that results will be noise. */
export const FEW_TRAIN_IMAGES = 20;

/** Create planned runs held by the session's project queue, and queue them there; their ids and the data notes. */
function queueRuns(session: StudioSession, configs: RunConfig[]): { runIds: string[]; notes: string[] } {
  const planned = createPlannedRuns(session.project, configs, session.queue.holder);
  const runIds = planned.runs.map((r) => r.id);
  session.queue.enqueue(runIds);
  return { runIds, notes: planned.notes };
}

/** Rows exactly as `ridge runs --json` builds them (toRunRow), so the views and the CLI show the same numbers. */
export function runRows(p: Project): RunRowView[] {
  return p.runs.list().map((r) => toRunRow(r, p.runs.epochs(r.id)) satisfies RunRowView);
}

function preflight(p: Project): ResultMap['runs.preflight'] {
  const manifest = freezeManifest(p);
  const splits = manifestSummary(manifest);
  const plan = planData(manifest);
  // The refusals runs.start makes (data-checks.ts, through createPlannedRuns), in the same words, then what is
  // only worth knowing.
  const problems = dataProblems(plan);
  const blocked = problems.length > 0;
  const warnings = [...problems, ...dataNotes(plan)];
  if (!blocked && splits.train.images < FEW_TRAIN_IMAGES)
    warnings.push(
      `only ${splits.train.images} labeled training images: expect noisy results and differences between seeds`,
    );
  const leaks = p.images.duplicateGroups().filter((g) => g.crossSplit);
  if (leaks.length)
    warnings.push(
      `${leaks.length} identical image group(s) cross splits (images ${leaks
        .slice(0, 3)
        .map((g) => g.imageIds.join('='))
        .join(', ')}): test numbers may be optimistic`,
    );
  const last = [...p.runs.list()].reverse().find((r) => r.backend);
  return {
    splits,
    warnings,
    blocked,
    lastBackend: last
      ? { runId: last.id, backend: last.backend!, device: last.device, reasons: last.backendReasons }
      : null,
    cpus: os.cpus().length,
  };
}

type RunsMethods =
  | 'runs.rows'
  | 'runs.queue'
  | 'runs.preflight'
  | 'runs.start'
  | 'runs.startCompare'
  | 'studies.list'
  | 'studies.show'
  | 'studies.cancel'
  | 'studies.delete'
  | 'studies.resume'
  | 'runs.predict'
  | 'runs.cancel'
  | 'runs.resume'
  | 'runs.rename'
  | 'runs.delete'
  | 'runs.compare'
  | 'runs.testEval'
  | 'runs.robustness'
  | 'runs.saliency'
  | 'labeling.prelabel';

/** The training and experiments methods; handlers.ts spreads them into createHandlers. */
export function createRunsHandlers(
  session: StudioSession,
  services: HandlerServices,
): Pick<Handlers, RunsMethods> {
  const p = () => session.project;
  const q = () => session.queue;
  return {
    'runs.rows': () => {
      const rows = runRows(p());
      const names: Record<string, string> = {};
      const configs: Record<string, Record<string, string | number>> = {};
      const robustness: RunsTable['robustness'] = {};
      for (const r of p().runs.list()) {
        if (r.robustness) robustness[r.id] = r.robustness;
        const n = runName(p(), r.id);
        if (n) names[r.id] = n;
        // On/off settings (robustness) as words: the table shows values as text.
        configs[r.id] = Object.fromEntries(
          Object.entries(r.config).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'on' : 'off') : v]),
        );
      }
      return {
        rows,
        names,
        configs,
        robustness,
        models: rows.filter((r) => hasModel(p(), r.id)).map((r) => r.id),
      };
    },
    'runs.queue': () => q().state(),
    'runs.preflight': () => preflight(p()),
    'runs.start': (a) => queueRuns(session, a.configs.map(planRun)),
    'runs.startCompare': (a) => {
      const started = createStudy(p(), a, q().holder);
      const runIds = started.runs.map((r) => r.id);
      q().enqueue(runIds);
      return {
        studyId: started.study.id,
        runIds,
        arms: started.study.arms.map((x) => x.arm),
        notes: started.notes,
      };
    },
    'studies.list': () =>
      listStudies(p()).map((s) => ({
        id: s.study.id,
        name: s.study.name,
        status: s.status,
        seeds: s.study.seeds,
        baseline: s.study.baseline,
        base: s.study.base,
        createdAt: s.study.createdAt,
        endedAt: s.endedAt,
        arms: s.study.arms.map((x) => x.arm),
        runIds: s.runs.map((r) => r.id),
        progress: {
          done: s.runs.filter((r) => r.status === 'done').length,
          ended: s.runs.filter((r) => r.status !== 'queued' && r.status !== 'running').length,
          total: s.runs.length,
        },
        files: studyFileCount(p(), s),
      })),
    'studies.show': async (a) => {
      const { epochs, runs, ...doc } = analyzeStudy(p(), a.studyId);
      return { ...doc, report: a.report ? await writeStudyReport(p(), { ...doc, epochs, runs }) : null };
    },
    'studies.cancel': (a) => ({ cancelled: cancelStudy(p(), a.studyId, (id) => q().cancel(id)) }),
    'studies.delete': (a) => {
      cancelStudy(p(), a.studyId, (id) => q().cancel(id));
      return { deleted: deleteStudy(p(), a.studyId) };
    },
    'studies.resume': (a) => resumeStudy(p(), a.studyId, (id) => q().resume(id)),
    'runs.cancel': (a) => ({ cancelled: q().cancel(a.runId) }),
    'runs.resume': (a) => {
      q().resume(a.runId);
      return { queued: true };
    },
    'runs.rename': (a) => ({ name: renameRun(p(), a.runId, a.name) }),
    'runs.delete': (a) => {
      const deleted: string[] = [];
      for (const id of a.runIds) {
        q().cancel(id);
        if (deleteRun(p(), id)) deleted.push(id);
      }
      return { deleted };
    },
    'runs.compare': (a) => {
      const c = compareRuns(p(), a.runIds, a.baseline);
      return {
        arms: c.arms,
        verdicts: verdictViews(c.verdicts),
        verdict: c.verdict,
        comparable: c.comparable,
        apart: c.apart,
        testImages: c.testImages,
        resamples: c.resamples,
        rows: c.runs.map((r) => toRunRow(r, c.epochs.get(r.id) ?? [])),
        report: a.report ? writeComparisonReport(p(), c) : null,
      };
    },
    'runs.predict': (a) => {
      const images = (services.reach ?? unconfinedReach).resolve(a.images, 'image folder', [p().dir]);
      return predictFolder(p(), { ...a, images }, services.predictor);
    },
    'runs.testEval': (a) => runTestEval(p(), a.runId, services.predictor),
    'runs.robustness': (a) => measureRobustness(p(), a.runId, services.analyzer),
    'runs.saliency': (a) => detectionSaliencyMap(p(), a.runId, a.imageId, a.detection, services.analyzer),
    'labeling.prelabel': (a) => {
      const opts = {
        predict: services.predictor,
        scoreThreshold: a.scoreThreshold,
        ...(a.limit !== undefined ? { limit: a.limit } : {}),
      };
      return a.coco ? prelabelWithCoco(p(), a.coco.map, opts) : prelabel(p(), a.runId!, opts);
    },
  };
}
