import type { BackendRequest } from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import type { SaliencyMapView } from '../../../shared/api/runs-contract';
import type { RunRobustness } from '../../../shared/domain/runs';
import type { PredictedBox, TrainerCommand, TrainerMessage } from '../../trainer/protocol';
import { forkTrainer, type TrainerChild, trainerEntry, type TrainerSpawner } from './trainer-host';

/**
 * How a prediction pass decodes: the score cut, the backend, flip test-time augmentation (on unless false), and
 * a model the trainer builds itself instead of the folder's (the COCO detector).
 */
export interface PredictOptions {
  scoreThreshold?: number;
  backend?: BackendRequest;
  flipTta?: boolean;
  builtin?: 'coco-nanodet';
}

/**
 * The engine's inference as the services see it (pre-label, test evaluation, runs.predict): each front door's
 * composition root hands one in (a trainer process of its own kind); tests inject one that needs no model.
 */
export type Predictor = (
  modelDir: string,
  images: { id: number; file: string }[],
  opts: PredictOptions,
) => Promise<PredictedBox[]>;

/** What a predict job carries: the trainer protocol's 'predict' command without its tag. */
export type PredictJob = Omit<Extract<TrainerCommand, { type: 'predict' }>, 'type'>;

/** How to run a predict job: which process, and when to give up on it. */
export interface PredictProcessOptions {
  /** A different trainer entry (tests use the stand-in trainer). */
  entry?: string;
  /** Who starts the process: Node's fork by default, Electron's utilityProcess in the app. */
  spawn?: TrainerSpawner;
  /** Kill the process and reject when it has not answered within this many ms (no limit when absent). */
  timeoutMs?: number;
  /** Aborting kills the process and rejects. */
  signal?: AbortSignal;
}

/**
 * Run one job (predict, robustness, saliency) in a trainer process, so a long pass never blocks the caller (the
 * server's event loop, Electron's main process) and a crash in native code fails only this call. Resolves with
 * what `answer` picks from the reply; rejects (a UserError) with the trainer's reason, its exit, a timeout or an
 * abort, prefixed with `what` ("prediction failed: ...").
 */
export function runTrainerJob<T>(
  command: Exclude<TrainerCommand, { type: 'start' | 'cancel' }>,
  answer: (m: TrainerMessage) => T | undefined,
  what: string,
  opts: PredictProcessOptions = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => reject(new UserError(`${what} failed: ${reason}`));
    if (opts.signal?.aborted) return fail('cancelled');
    let child: TrainerChild;
    try {
      child = (opts.spawn ?? forkTrainer)(opts.entry ?? trainerEntry());
    } catch (err) {
      return fail((err as Error).message);
    }
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const stop = (reason: string) =>
      settle(() => {
        child.kill();
        fail(reason);
      });
    const onAbort = () => stop('cancelled; the trainer process was stopped');
    child.onMessage((m) => {
      const value = answer(m);
      if (value !== undefined) settle(() => resolve(value));
      else if (m.type === 'failed') settle(() => fail(m.reason));
    });
    child.onExit((how) => settle(() => fail(how)));
    if (opts.timeoutMs !== undefined)
      timer = setTimeout(
        () => stop(`no answer within ${opts.timeoutMs} ms; the trainer process was stopped`),
        opts.timeoutMs,
      );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.send(command);
  });
}

/** Run the engine's predictImages in a trainer process (runTrainerJob); resolves with the boxes. */
export function predictInTrainerProcess(
  job: PredictJob,
  opts: PredictProcessOptions = {},
): Promise<PredictedBox[]> {
  const pick = (m: TrainerMessage) => (m.type === 'predictions' ? m.predictions : undefined);
  return runTrainerJob({ type: 'predict', ...job }, pick, 'prediction', opts);
}

/** A generous limit for a hung trainer: two minutes to start, plus five seconds per image. */
export function predictTimeoutMs(images: number): number {
  return 120_000 + 5_000 * images;
}

/**
 * The Predictor every front door hands to the services (pre-label, test evaluation): predictions in a trainer
 * process started by `spawn` (Node's fork unless given), killed if it hangs past predictTimeoutMs.
 */
export function trainerProcessPredictor(
  opts: Omit<PredictProcessOptions, 'signal' | 'timeoutMs'> = {},
): Predictor {
  return (modelDir, images, o) => {
    const job: PredictJob = { modelDir, images };
    if (o.scoreThreshold !== undefined) job.scoreThreshold = o.scoreThreshold;
    if (o.backend !== undefined) job.backend = o.backend;
    if (o.flipTta !== undefined) job.flipTta = o.flipTta;
    if (o.builtin !== undefined) job.builtin = o.builtin;
    return predictInTrainerProcess(job, { ...opts, timeoutMs: predictTimeoutMs(images.length) });
  };
}

/** A robustness or saliency job: the trainer protocol's command without its tag. */
export type RobustnessJob = Omit<Extract<TrainerCommand, { type: 'robustness' }>, 'type'>;
/** See RobustnessJob. */
export type SaliencyJob = Omit<Extract<TrainerCommand, { type: 'saliency' }>, 'type'>;

/**
 * The analyses of a finished run's model as the services see them (runs.robustness, runs.saliency): each front
 * door's composition root hands one in, running them in a trainer process of its own kind.
 */
export interface Analyzer {
  /** Test mAP50-95 under the corruptions; `images` (the test split's size) sets how long to wait. */
  robustness(job: RobustnessJob, images: number): Promise<RunRobustness>;
  saliency(job: SaliencyJob): Promise<SaliencyMapView>;
}

/** The Analyzer every front door hands to the services: jobs in a trainer process started by `spawn`. */
export function trainerProcessAnalyzer(
  opts: Omit<PredictProcessOptions, 'signal' | 'timeoutMs'> = {},
): Analyzer {
  return {
    robustness: (job, images) =>
      runTrainerJob(
        { type: 'robustness', ...job },
        (m) => (m.type === 'robustnessResult' ? m.robustness : undefined),
        'the robustness evaluation',
        // 16 test evaluations, each a prediction pass over the test split plus its corruption.
        { ...opts, timeoutMs: predictTimeoutMs(16 * images) },
      ),
    saliency: (job) =>
      runTrainerJob(
        { type: 'saliency', ...job },
        (m) => (m.type === 'saliencyMap' ? m.map : undefined),
        'the saliency map',
        { ...opts, timeoutMs: predictTimeoutMs(2) },
      ),
  };
}
