// The trainer process: receives one job, runs it, sends messages back, exits. Jobs: 'start' trains a run and
// streams its events; 'robustness' and 'saliency' analyse a finished run's exported model (analysis.ts) and
// answer with the result; 'predict' runs an exported model on images and answers 'predictions' (or 'failed'), so
// large pre-label and evaluation passes never block the caller. Runs under Node's child_process.fork (CLI,
// `ridge serve`) or Electron's utilityProcess (same messages through parentPort).
import { readFileSync } from 'node:fs';
import type { Manifest, TrainerCommand, TrainerMessage } from './protocol';

interface Port {
  send(e: TrainerMessage): void;
  /** Resolves once every message sent so far has left this process (a large reply must not be cut by exit). */
  flushed(): Promise<void>;
  onMessage(fn: (c: TrainerCommand) => void): void;
}

function port(): Port {
  const pp = (
    process as unknown as {
      parentPort?: {
        postMessage(m: unknown): void;
        on(ev: 'message', fn: (e: { data: unknown }) => void): void;
      };
    }
  ).parentPort;
  if (pp)
    return {
      send: (e) => pp.postMessage(e),
      flushed: () => Promise.resolve(),
      onMessage: (fn) => pp.on('message', (e) => fn(e.data as TrainerCommand)),
    };
  if (!process.send) throw new Error('the trainer must be started by Ridge Studio (no IPC channel)');
  let last = Promise.resolve();
  return {
    send: (e) => {
      // Messages leave in order, so the last one's callback means all of them are out.
      last = new Promise((resolve) => void process.send!(e, undefined, {}, () => resolve()));
    },
    flushed: () => last,
    onMessage: (fn) => process.on('message', (m) => fn(m as TrainerCommand)),
  };
}

/** Run one job: a thrown error becomes a 'failed' message; then exit once the messages are out. */
async function runJob(io: Port, job: () => Promise<void>): Promise<void> {
  try {
    await job();
  } catch (err) {
    io.send({ type: 'failed', reason: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
  } finally {
    await io.flushed();
    setTimeout(() => process.exit(), 50);
  }
}

async function main(): Promise<void> {
  const io = port();
  const abort = new AbortController();
  let started = false;
  io.onMessage((cmd) => {
    if (cmd.type === 'cancel') abort.abort();
    if (cmd.type === 'cancel' || started) return;
    started = true;
    // Nobody left to answer (the host died or gave up): stop at once instead of computing for no one. A
    // training run keeps its last checkpoint (written atomically), so it can be resumed.
    process.on('disconnect', () => process.exit(1));
    if (cmd.type === 'predict') {
      void runJob(io, async () => {
        const { predictImages } = await import('./engine');
        const { scoreThreshold, backend, flipTta } = cmd;
        const modelDir =
          cmd.builtin === 'coco-nanodet'
            ? await (await import('./model/coco-model')).ensureCocoModel()
            : cmd.modelDir;
        const predictions = await predictImages(modelDir, cmd.images, {
          ...(scoreThreshold !== undefined ? { scoreThreshold } : {}),
          ...(backend !== undefined ? { backend } : {}),
          ...(flipTta !== undefined ? { flipTta } : {}),
        });
        io.send({ type: 'predictions', predictions });
      });
      return;
    }
    if (cmd.type === 'robustness') {
      void runJob(io, async () => {
        const manifest = JSON.parse(readFileSync(cmd.manifestPath, 'utf8')) as Manifest;
        const { robustnessOfModel } = await import('./analysis');
        io.send({
          type: 'robustnessResult',
          robustness: await robustnessOfModel(cmd.modelDir, manifest, cmd.seed),
        });
      });
      return;
    }
    if (cmd.type === 'saliency') {
      void runJob(io, async () => {
        const { saliencyOfModel } = await import('./analysis');
        io.send({ type: 'saliencyMap', map: await saliencyOfModel(cmd.modelDir, cmd.image, cmd.detection) });
      });
      return;
    }
    void runJob(io, async () => {
      const manifest = JSON.parse(readFileSync(cmd.manifestPath, 'utf8')) as Manifest;
      const { runTraining } = await import('./engine');
      await runTraining({
        manifest,
        config: cmd.config,
        outDir: cmd.outDir,
        resume: cmd.resume,
        signal: abort.signal,
        emit: io.send,
      });
    });
  });
}

void main();
