// The composition root of `ridge serve`: one project registry (runs adopted, trainers forked), one predictor
// process kind, the server with one session per browser tab. The CLI's serve command calls only this.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../shared/errors';
import { confinedReach } from '../services/api/reach';
import { ProjectRegistry } from '../services/api/registry';
import { SERVER_BUSY_TIMEOUT_MS } from '../services/db/write-queue';
import { PROJECT_FILE } from '../services/project/project';
import { thisProcessOwner } from '../services/runs/lease';
import { trainerProcessAnalyzer, trainerProcessPredictor } from '../services/runs/predict-host';
import { isLoopbackHost } from './security';
import { startStudioServer, type StudioServer } from './server';
import { projectToken } from './token-store';

/** What `ridge serve` was asked for. */
export interface ServeDoorOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  /** Further Host header names (name or name:port) a remote browser may use; only with allowRemote. */
  publicHosts?: string[];
  /** Folders imports, exports and projects over the API may be in; none: the served project's parent (or cwd). */
  dataRoots?: string[];
  /** The folder `ridge serve` was started in (the default data root when no project is served). */
  cwd?: string;
  staticDir: string;
  /** A project to open for every new tab, and whose queued runs resume at once. */
  dir?: string;
  /** How long an API write waits for another process's lock (default WRITE_WAIT_MS; tests wait less). */
  writeWaitMs?: number;
  /** Keep the project's token across restarts (token-store.ts); `fresh` replaces the kept one. Needs `dir`. */
  keepToken?: { fresh: boolean };
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
  if (o.publicHosts?.length && !o.allowRemote)
    throw new UserError(
      'ridge serve: --public-host only matters with --allow-remote (loopback names always work)',
    );
  for (const root of o.dataRoots ?? [])
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new UserError(`ridge serve: --data-root ${root} is not a folder`, root);
  const dataRoots = o.dataRoots?.length
    ? o.dataRoots
    : [startDir ? path.dirname(startDir) : path.resolve(o.cwd ?? process.cwd())];
  // Checked before the token is read or written: a folder that is not a project never gets one.
  const token = startDir && o.keepToken ? projectToken(startDir, { fresh: o.keepToken.fresh }) : undefined;
  const entry = o.trainerEntry ? { entry: o.trainerEntry } : {};
  // Short synchronous lock waits: API writes wait for another process's lock asynchronously (write-queue.ts).
  const registry = new ProjectRegistry(
    { owner: thisProcessOwner(), adopt: true, ...entry },
    { busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS },
  );
  // The start project stays open while the server runs: its queued runs train even before a tab connects.
  const pinned = startDir ? registry.acquire(startDir) : null;
  let server: StudioServer;
  try {
    server = await startStudioServer({
      host: o.host,
      port: o.port,
      allowRemote: o.allowRemote,
      publicHosts: o.publicHosts ?? [],
      staticDir: o.staticDir,
      registry,
      services: {
        predictor: trainerProcessPredictor(entry),
        analyzer: trainerProcessAnalyzer(entry),
        reach: confinedReach(dataRoots),
        ...(o.writeWaitMs !== undefined ? { writeWaitMs: o.writeWaitMs } : {}),
      },
      ...(startDir ? { startDir } : {}),
      ...(token ? { token } : {}),
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
  warnings.push(`data roots (imports, exports, projects over the API): ${dataRoots.join(', ')}`);
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
