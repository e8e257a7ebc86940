// The composition root of the `ridge` command: one registry (it trains only the runs it queues; trainers and
// predictions in forked processes), one session, and the same handlers as every other door, called through
// dispatch (same validation, same typed errors, same events).
import type { ResultMap } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { InputOf, MethodName } from '../../shared/api/schemas';
import { dispatch } from '../services/api/dispatch';
import { createHandlers } from '../services/api/handlers';
import { ProjectRegistry } from '../services/api/registry';
import { type SessionListener, StudioSession } from '../services/api/session';
import { thisProcessOwner } from '../services/runs/lease';
import { trainerProcessPredictor } from '../services/runs/predict-host';

/** What a command talks to: the contract, the session's events, and the shutdown. */
export interface CliDoor {
  /** Call a contract method; a failure throws the ApiError every door reports. */
  call<M extends MethodName>(method: M, args: InputOf<M>): Promise<ResultMap[M]>;
  /** Listen to the session's events (its project's runs, its own imports); returns unsubscribe. */
  on(l: SessionListener): () => void;
  /** Stop: the project's queue is let go (a running run is cancelled) and the project closes. */
  close(): Promise<void>;
}

/** Open the CLI's door; RIDGE_TRAINER_ENTRY (tests: the stand-in trainer) names another trainer entry. */
export function openCliDoor(env: NodeJS.ProcessEnv = process.env): CliDoor {
  const entry = env.RIDGE_TRAINER_ENTRY ? { entry: env.RIDGE_TRAINER_ENTRY } : {};
  const registry = new ProjectRegistry({ owner: thisProcessOwner(), adopt: false, ...entry });
  const session = new StudioSession(registry);
  const handlers = createHandlers(session, { predictor: trainerProcessPredictor(entry) });
  return {
    call: async (method, args) => {
      const r = await dispatch(handlers, method, args);
      if (!r.ok) throw ApiError.from(r.error);
      return r.value as never;
    },
    on: (l) => session.subscribe(l),
    close: async () => {
      session.close();
      await registry.close();
    },
  };
}

/** Run `fn` with a door open on project `dir`, closing it whatever happens. */
export async function withProject<T>(dir: string, fn: (door: CliDoor) => Promise<T>): Promise<T> {
  const door = openCliDoor();
  try {
    await door.call('project.open', { dir });
    return await fn(door);
  } finally {
    await door.close();
  }
}
