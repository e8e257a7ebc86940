import path from 'node:path';
import {
  BACKBONES,
  BACKEND_REQUESTS,
  REG_MODES,
  type RegMode,
  type RunConfig,
  type RunRecord,
} from '../../../shared/domain/runs';
import { UserError } from '../../../shared/errors';
import { Project } from '../../services/project/project';
import { createRun, executeRun } from '../../services/runs/runs';
import { DEFAULT_RUN_CONFIG } from '../../../shared/domain/runs';
import type { TrainerEvent } from '../../trainer/protocol';
import { enumOption, intOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit, note } from '../io';
import { createProgress } from '../progress';

/** Options shared by `train` and `compare`. */
export const TRAIN_OPTIONS = {
  epochs: { type: 'string' },
  seed: { type: 'string' },
  'img-size': { type: 'string' },
  backend: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  backbone: { type: 'string' },
  width: { type: 'string' },
} as const;

/** Turn command-line options into a run config on top of the defaults. */
export function configFromOptions(
  command: string,
  v: Record<string, string | boolean | undefined>,
): RunConfig {
  const lr = v.lr === undefined ? DEFAULT_RUN_CONFIG.learningRate : Number(v.lr);
  if (!(lr > 0 && lr < 1)) throw new UserError(`ridge ${command}: --lr must be a number between 0 and 1`);
  const width = v.width === undefined ? DEFAULT_RUN_CONFIG.widthMultiplier : Number(v.width);
  if (!(width > 0 && width <= 4))
    throw new UserError(`ridge ${command}: --width must be a number above 0 and at most 4`);
  const backbone = enumOption(command, 'backbone', v.backbone, BACKBONES) ?? DEFAULT_RUN_CONFIG.backbone;
  const imgSize = intOption(command, 'img-size', v['img-size'], DEFAULT_RUN_CONFIG.imgSize, 64, 1280);
  if (backbone === 'mobilenetv2' && imgSize % 32 !== 0)
    throw new UserError(
      `ridge ${command}: --backbone mobilenetv2 needs --img-size a multiple of 32, got ${imgSize}`,
    );
  return {
    ...DEFAULT_RUN_CONFIG,
    epochs: intOption(command, 'epochs', v.epochs, DEFAULT_RUN_CONFIG.epochs, 1, 10_000),
    seed: intOption(command, 'seed', v.seed, 0, 0, 2 ** 31 - 1),
    imgSize,
    batchSize: intOption(command, 'batch-size', v['batch-size'], DEFAULT_RUN_CONFIG.batchSize, 1, 512),
    learningRate: lr,
    widthMultiplier: width,
    backend: enumOption(command, 'backend', v.backend, BACKEND_REQUESTS) ?? 'auto',
    ...(backbone ? { backbone } : {}),
  };
}

/** Progress on stderr for one run; returns the event handler. */
export function runProgress(io: CliIo, label: string, epochs: number): (e: TrainerEvent) => void {
  const bar = createProgress(io, label, epochs);
  return (e) => {
    if (e.type === 'backend') {
      note(io, `${label}: training on ${e.backend} (${e.device})`);
      for (const r of e.reasons.filter((x) => x.backend !== e.backend))
        note(io, `  ${r.backend}: ${r.reason}`);
    }
    if (e.type === 'progress')
      bar.update(e.epoch, epochs, `step ${e.step}/${e.steps} loss ${e.loss.toFixed(3)}`);
    if (e.type === 'epoch') {
      const m = e.metrics;
      bar.update(m.epoch, epochs, `val mAP50 ${m.mAP50.toFixed(3)}`); // epochs count from 1
    }
    if (e.type === 'done')
      bar.done(`done, best epoch ${e.bestEpoch}, test mAP50 ${(e.testMetrics.AP50 ?? NaN).toFixed(3)}`);
    if (e.type === 'failed') bar.done(`failed: ${e.reason}`);
    if (e.type === 'cancelled') bar.done('cancelled');
  };
}

/**
 * Cancel on Ctrl-C or SIGTERM (`kill`, a service manager, a CI timeout): the trainer stops within a batch and the
 * run is stored as cancelled, resumable, instead of left 'running'. A second signal exits at once.
 */
export function cancelOnSignal(io: CliIo): {
  signal: AbortSignal;
  interrupted: () => boolean;
  dispose: () => void;
} {
  const ctl = new AbortController();
  const onSig = () => {
    if (ctl.signal.aborted) process.exit(130);
    note(io, '\ncancelling (the trainer stops after the current batch; Ctrl-C again to quit now)');
    ctl.abort();
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return {
    signal: ctl.signal,
    interrupted: () => ctl.signal.aborted,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    },
  };
}

/** One line about a finished run. */
export function runLine(r: RunRecord): string {
  const t = r.testMetrics;
  const res = t
    ? `test mAP50 ${t.AP50?.toFixed(3)} mAP50-95 ${t.AP?.toFixed(3)}`
    : (r.failReason ?? r.status);
  return `${r.id}  ${r.config.arm.padEnd(12)} seed ${r.config.seed}  ${r.status.padEnd(9)} ${res}`;
}

/** `ridge train <dir> [--reg M] [--lambda X] [--epochs N] [--seed S] [--img-size P] [--backend B] [--resume ID]`. */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('train', argv, {
    ...TRAIN_OPTIONS,
    reg: { type: 'string' },
    lambda: { type: 'string' },
    resume: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('train', positionals, 0, 'dir'));
  const p = Project.open(dir);
  const sig = cancelOnSignal(io);
  try {
    let runId: string;
    if (typeof values.resume === 'string') {
      runId = values.resume;
    } else {
      const reg: RegMode = enumOption('train', 'reg', values.reg, REG_MODES) ?? 'none';
      const lambda = values.lambda === undefined ? (reg === 'none' ? 0 : NaN) : Number(values.lambda);
      if (reg !== 'none' && !(lambda >= 0))
        throw new UserError(`ridge train: --reg ${reg} needs --lambda <strength>`);
      const config = {
        ...configFromOptions('train', values),
        reg,
        lambda,
        arm: reg === 'none' ? 'none' : `${reg}=${lambda}`,
      };
      runId = createRun(p, config).id;
      note(
        io,
        `run ${runId}: ${config.arm}, ${config.epochs} epochs at ${config.imgSize} px, seed ${config.seed}, Adam`,
      );
    }
    const run = p.runs.byId(runId);
    if (!run) throw new UserError(`no run ${runId} in ${dir}`);
    const end = await executeRun(p, runId, {
      resume: typeof values.resume === 'string',
      signal: sig.signal,
      onEvent: runProgress(io, runId, run.config.epochs),
    });
    emit(io, Boolean(values.json), end, () => runLine(end));
    if (end.status === 'cancelled' || sig.interrupted()) return 130;
    return end.status === 'done' ? 0 : 2;
  } finally {
    sig.dispose();
    p.close();
  }
}
