// The composition root of `ridge serve`: one project registry (runs adopted, trainers forked), one predictor
// process kind, the server with one session per browser tab. The CLI's serve command calls only this.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors';
import { ProjectRegistry } from '../services/api/registry';
import { PROJECT_FILE } from '../services/project/project';
import { thisProcessOwner } from '../services/runs/lease';
import { trainerProcessPredictor } from '../services/runs/predict-host';
import { isLoopbackHost } from './security';
import { startStudioServer, type StudioServer } from './server';

/** What `ridge serve` was asked for. */
export interface ServeDoorOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  staticDir: string;
  /** A project to open for every new tab, and whose queued runs resume at once. */
  dir?: string;
  /** A different trainer entry (RIDGE_TRAINER_ENTRY; tests use the stand-in trainer). */
  trainerEntry?: string;
}

/** A running `ridge serve`: its server, lines to warn the person with, and how to stop everything. */
export interface ServeDoor {
  server: StudioServer;
  warnings: string[];
  close(): Promise<void>;
}

/** Start `ridge serve`: refuses a non-loopback host without allowRemote and a folder that is not a project. */
export async function openServeDoor(o: ServeDoorOptions): Promise<ServeDoor> {
  if (!isLoopbackHost(o.host) && !o.allowRemote)
    throw new UserError(
      `ridge serve: --host ${o.host} would let other machines reach your project; add --allow-remote if you mean it`,
    );
  const startDir = o.dir ? path.resolve(o.dir) : undefined;
  if (startDir && !existsSync(path.join(startDir, PROJECT_FILE)))
    throw new UserError(
      `${startDir} is not a Ridge Studio project (no ${PROJECT_FILE}); create one with 'ridge init'`,
      startDir,
    );
  const entry = o.trainerEntry ? { entry: o.trainerEntry } : {};
  const registry = new ProjectRegistry({ owner: thisProcessOwner(), adopt: true, ...entry });
  // The start project stays open while the server runs: its queued runs train even before a tab connects.
  const pinned = startDir ? registry.acquire(startDir) : null;
  let server: StudioServer;
  try {
    server = await startStudioServer({
      host: o.host,
      port: o.port,
      allowRemote: o.allowRemote,
      staticDir: o.staticDir,
      registry,
      services: { predictor: trainerProcessPredictor(entry) },
      ...(startDir ? { startDir } : {}),
    });
  } catch (err) {
    await registry.close();
    throw err;
  }
  const warnings: string[] = [];
  if (o.allowRemote && !isLoopbackHost(o.host))
    warnings.push(
      `warning: listening on ${o.host}: anyone who can reach this machine and has the token can change the project`,
    );
  if (!existsSync(path.join(o.staticDir, 'index.html')))
    warnings.push(
      `warning: renderer bundle missing at ${o.staticDir}; run 'npx electron-vite build' (the API works)`,
    );
  return {
    server,
    warnings,
    close: async () => {
      await server.close();
      pinned?.release();
      await registry.close();
    },
  };
}
