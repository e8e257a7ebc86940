import { createHandlers, type Handlers } from '../../src/main/services/api/handlers';
import { ProjectRegistry } from '../../src/main/services/api/registry';
import { StudioSession } from '../../src/main/services/api/session';
import { thisProcessOwner } from '../../src/main/services/runs/lease';
import type { Predictor } from '../../src/main/services/runs/predict-host';
import type { RunQueueOptions } from '../../src/main/services/runs/queue';
import { forkTrainer } from '../../src/main/services/runs/trainer-host';
import { STANDIN_TRAINER } from './paths';

/** A predictor for tests that must never predict: calling it fails the test loudly. */
export const refusingPredictor: Predictor = () =>
  Promise.reject(new Error('this test wired no predictor (it should not predict)'));

/** Queue settings for tests: this process as owner, the stand-in trainer in `mode` (ok, hang, crash...). */
export function standInQueue(mode = 'ok', extra: Partial<RunQueueOptions> = {}): RunQueueOptions {
  return {
    owner: thisProcessOwner(),
    adopt: true,
    entry: STANDIN_TRAINER,
    spawn: (entry) => forkTrainer(entry, { RIDGE_STANDIN: mode }),
    ...extra,
  };
}

/** A door as a test composes one: a registry, a session on it, and the handlers bound to both. */
export function testDoor(opts: { queue?: RunQueueOptions; predictor?: Predictor } = {}): {
  registry: ProjectRegistry;
  session: StudioSession;
  handlers: Handlers;
  close(): Promise<void>;
} {
  const registry = new ProjectRegistry(opts.queue ?? standInQueue());
  const session = new StudioSession(registry);
  const handlers = createHandlers(session, { predictor: opts.predictor ?? refusingPredictor });
  return {
    registry,
    session,
    handlers,
    close: async () => {
      session.close();
      await registry.close();
    },
  };
}
