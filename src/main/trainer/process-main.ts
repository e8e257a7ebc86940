// The trainer process: receives one 'start' command, trains, streams events, exits. Runs under Node's
// child_process.fork (CLI, `ridge serve`) or Electron's utilityProcess (same messages through parentPort).
import { readFileSync } from 'node:fs';
import type { Manifest, TrainerCommand, TrainerEvent } from './protocol';

interface Port {
  send(e: TrainerEvent): void;
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
      onMessage: (fn) => pp.on('message', (e) => fn(e.data as TrainerCommand)),
    };
  if (!process.send) throw new Error('the trainer must be started by Ridge Studio (no IPC channel)');
  return {
    send: (e) => void process.send!(e),
    onMessage: (fn) => process.on('message', (m) => fn(m as TrainerCommand)),
  };
}

async function main(): Promise<void> {
  const io = port();
  const abort = new AbortController();
  let started = false;
  io.onMessage((cmd) => {
    if (cmd.type === 'cancel') abort.abort();
    if (cmd.type !== 'start' || started) return;
    started = true;
    void (async () => {
      try {
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
      } catch (err) {
        io.send({ type: 'failed', reason: err instanceof Error ? err.message : String(err) });
        process.exitCode = 1;
      } finally {
        setTimeout(() => process.exit(), 50);
      }
    })();
  });
}

void main();
