import { utilityProcess } from 'electron';
import {
  exitReason,
  stderrTail,
  type TrainerChild,
  trainerEnv,
  type TrainerSpawner,
} from '../services/runs/trainer-host';
import type { TrainerMessage } from '../trainer/protocol';

/**
 * Start the trainer entry as an Electron utility process (VS Code's way to run native-heavy work): it speaks the
 * same protocol through parentPort, and a crash or an out-of-memory there never takes the window down.
 */
export const utilityTrainer: TrainerSpawner = (entry) => {
  const child = utilityProcess.fork(entry, [], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: trainerEnv(),
    serviceName: 'Ridge Studio trainer',
  });
  const stderr = stderrTail(child.stderr);
  let fatal: string | null = null;
  let ended: string | null = null;
  const exits: ((how: string) => void)[] = [];
  child.on('error', (type, location) => {
    fatal = `${type} at ${location}`;
  });
  child.on('exit', (code) => {
    ended = fatal ? `the trainer process ended with a ${fatal}` : exitReason(code, null, stderr());
    for (const fn of exits) fn(ended);
  });
  return {
    get pid() {
      return child.pid;
    },
    get connected() {
      return ended === null;
    },
    send: (c) => child.postMessage(c),
    onMessage: (fn) => void child.on('message', (m: unknown) => fn(m as TrainerMessage)),
    onExit: (fn) => (ended !== null ? fn(ended) : void exits.push(fn)),
    kill: () => void child.kill(),
  } satisfies TrainerChild;
};
