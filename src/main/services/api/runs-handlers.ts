import os from 'node:os';
import type { ResultMap } from '../../../shared/api/contract';
import type { ArgsOf } from '../../../shared/api/schemas';
import type { RunRowView } from '../../../shared/api/runs-contract';
import type { RegMode, RunConfig } from '../../../shared/domain/runs';
import { NoProjectError, UserError } from '../../../shared/errors';
import { prelabel } from '../labeling/prelabel';
import type { Project } from '../project/project';
import { summarizeArms, verdict } from '../runs/compare';
import { freezeManifest, manifestSummary } from '../runs/manifest';
import { type QueueListener, RunQueue, type RunQueueOptions } from '../runs/queue';
import { deleteRun, hasModel, renameRun, runName } from '../runs/run-files';
import { toRunRow } from '../runs/run-row';
import { createRun } from '../runs/runs';
import { DEFAULT_RUN_CONFIG } from '../../../shared/domain/runs';
import { type Predictor, runTestEval } from '../runs/test-eval';
import type { Handlers, StudioSession } from './handlers';

/** Fewer labeled training images than this and the panel warns that results will be noise. */
export const FEW_TRAIN_IMAGES = 20;

/** A session's run queues: one per open project, its events forwarded to whoever listens (server, window). */
export class RunsHub {
  private readonly listeners = new Set<QueueListener>();
  private queue: { project: Project; q: RunQueue; off: () => void } | null = null;
  /**
   * The engine's inference, supplied by each front door: a trainer process started its own way (`ridge serve`
   * forks one, the Electron app starts a utilityProcess; see services/runs/predict-host.ts).
   */
  predictor: Predictor | null = null;

  /** The predictor, or a user error saying this front door cannot predict. */
  predict(): Predictor {
    if (!this.predictor) throw new UserError('predictions are not available in this front door');
    return this.predictor;
  }

  constructor(
    private readonly session: StudioSession,
    private readonly opts: RunQueueOptions = {},
  ) {}

  /** Listen to every queue event of this session; returns the unsubscribe function. */
  subscribe(l: QueueListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * The open project's queue, created (and recovered: interrupted runs marked, queued runs started) the first
   * time the project is seen. A previous project's queue is disposed; its queued runs wait in its database.
   */
  attach(): RunQueue | null {
    let p: Project;
    try {
      p = this.session.project;
    } catch {
      return null;
    }
    if (this.queue?.project === p) return this.queue.q;
    if (this.queue) {
      this.queue.off();
      void this.queue.q.dispose();
    }
    const q = new RunQueue(p, this.opts);
    const off = q.subscribe((e, payload) => {
      for (const l of this.listeners) l(e, payload);
    });
    this.queue = { project: p, q, off };
    q.recover();
    return q;
  }

  /** The open project's queue, or a user error when no project is open. */
  get q(): RunQueue {
    const q = this.attach();
    if (!q) throw new NoProjectError();
    return q;
  }

  /** Stop the queue (shutdown); queued runs stay queued in SQLite. */
  async dispose(): Promise<void> {
    await this.queue?.q.dispose();
    this.queue = null;
  }
}

const HUBS = new WeakMap<StudioSession, RunsHub>();

/** The one RunsHub of a session, so the handlers and the transport that pushes events share it. */
export function runsHub(session: StudioSession, opts?: RunQueueOptions): RunsHub {
  let hub = HUBS.get(session);
  if (!hub) HUBS.set(session, (hub = new RunsHub(session, opts)));
  return hub;
}

/** The arm name `ridge train` / `ridge compare` give a mode and strength. */
export function armName(reg: RegMode, lambda: number): string {
  return reg === 'none' ? 'none' : `${reg}=${lambda}`;
}

/** A full run config from the panel's partial settings (defaults of a plain Train click). */
export function runConfigOf(input: ArgsOf<'runs.start'>['configs'][number]): RunConfig {
  const reg = (input.reg ?? 'none') as RegMode;
  const lambda = reg === 'none' ? 0 : (input.lambda ?? 0);
  const { arm, ...rest } = input;
  return {
    ...DEFAULT_RUN_CONFIG,
    ...(rest as Partial<RunConfig>),
    reg,
    lambda,
    arm: arm ?? armName(reg, lambda),
  };
}

/** Rows exactly as `ridge runs --json` builds them (toRunRow), so the views and the CLI show the same numbers. */
export function runRows(p: Project): RunRowView[] {
  return p.runs.list().map((r) => toRunRow(r, p.runs.epochs(r.id)) satisfies RunRowView);
}

function preflight(p: Project): ResultMap['runs.preflight'] {
  const splits = manifestSummary(freezeManifest(p));
  const warnings: string[] = [];
  let blocked = false;
  if (splits.train.images < 4 || splits.train.boxes === 0) {
    blocked = true;
    warnings.push(
      `not enough labeled data: ${splits.train.images} training images with ${splits.train.boxes} boxes (need at least 4 with boxes)`,
    );
  } else if (splits.train.images < FEW_TRAIN_IMAGES)
    warnings.push(
      `only ${splits.train.images} labeled training images: expect noisy results and differences between seeds`,
    );
  if (splits.val.images === 0) {
    blocked = true;
    warnings.push('the val split is empty: the best checkpoint is chosen on val');
  }
  if (splits.test.images === 0)
    warnings.push('the test split is empty: there will be no test numbers or verdict');
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
  | 'runs.cancel'
  | 'runs.resume'
  | 'runs.rename'
  | 'runs.delete'
  | 'runs.compare'
  | 'runs.testEval'
  | 'labeling.prelabel';

/** The training and experiments methods; handlers.ts spreads them into createHandlers. */
export function createRunsHandlers(session: StudioSession): Pick<Handlers, RunsMethods> {
  const p = () => session.project;
  const hub = runsHub(session);
  return {
    'runs.rows': () => {
      hub.attach();
      const rows = runRows(p());
      const names: Record<string, string> = {};
      const configs: Record<string, Record<string, string | number>> = {};
      for (const r of p().runs.list()) {
        const n = runName(p(), r.id);
        if (n) names[r.id] = n;
        configs[r.id] = { ...r.config };
      }
      return { rows, names, configs, models: rows.filter((r) => hasModel(p(), r.id)).map((r) => r.id) };
    },
    'runs.queue': () => hub.q.state(),
    'runs.preflight': () => preflight(p()),
    'runs.start': (a) => {
      const manifest = freezeManifest(p());
      const ids = a.configs.map((c) => createRun(p(), runConfigOf(c), manifest).id);
      hub.q.kick();
      return { runIds: ids };
    },
    'runs.cancel': (a) => ({ cancelled: hub.q.cancel(a.runId) }),
    'runs.resume': (a) => {
      hub.q.resume(a.runId);
      return { queued: true };
    },
    'runs.rename': (a) => ({ name: renameRun(p(), a.runId, a.name) }),
    'runs.delete': (a) => {
      const deleted: string[] = [];
      for (const id of a.runIds) {
        hub.q.cancel(id);
        if (deleteRun(p(), id)) deleted.push(id);
      }
      hub.q.kick();
      return { deleted };
    },
    'runs.compare': (a) => {
      const runs = a.runIds.map((id) => {
        const r = p().runs.byId(id);
        if (!r) throw new UserError(`no run ${id} in this project`);
        return r;
      });
      const order = [...new Set(runs.map((r) => r.config.arm))];
      const baseline = a.baseline ?? (order.includes('none') ? 'none' : order[0]);
      if (baseline && order.includes(baseline)) order.sort((x, y) => +(y === baseline) - +(x === baseline));
      const epochs = new Map(runs.map((r) => [r.id, p().runs.epochs(r.id)]));
      const arms = summarizeArms(runs, epochs, order);
      return {
        arms,
        verdict: verdict(arms, baseline),
        rows: runs.map((r) => toRunRow(r, epochs.get(r.id) ?? [])),
      };
    },
    'runs.testEval': (a) => runTestEval(p(), a.runId, hub.predict()),
    'labeling.prelabel': (a) =>
      prelabel(p(), a.runId, {
        predict: hub.predict(),
        scoreThreshold: a.scoreThreshold,
        ...(a.limit !== undefined ? { limit: a.limit } : {}),
      }),
  };
}

/**
 * Handlers whose project.open / project.create also attach the run queue, so queued runs of a project resume as
 * soon as it is opened (not only when someone looks at the training tab).
 */
export function withQueueOnOpen(handlers: Handlers, hub: RunsHub): Handlers {
  return {
    ...handlers,
    'project.open': async (a) => {
      const info = await handlers['project.open'](a);
      hub.attach();
      return info;
    },
    'project.create': async (a) => {
      const info = await handlers['project.create'](a);
      hub.attach();
      return info;
    },
  };
}
