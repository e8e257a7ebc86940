import { request } from 'node:http';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startStudioServer, type StudioServer } from '../../../src/main/server/server';
import { ProjectRegistry } from '../../../src/main/services/api/registry';
import { Project } from '../../../src/main/services/project/project';
import type { RunQueueOptions } from '../../../src/main/services/runs/queue';
import { fillSampleProject } from '../../../src/main/services/sample/fill-project';
import { refusingPredictor, standInQueue } from '../../helpers/studio';

/** A raw HTTP GET with chosen headers (fetch cannot forge Host), for proving each refusal. */
export function rawGet(
  port: number,
  pathName: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: pathName, method, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The server's first message on a connection: the session it works in. */
export interface Hello {
  t: 'hello';
  session: string;
  resumed: boolean;
}

/**
 * Try a WebSocket upgrade; resolves with the socket and the server's hello (its session), or the HTTP status the
 * server refused it with. Events the server pushes are collected in `events`.
 */
export function wsConnect(
  port: number,
  query: string,
  headers: Record<string, string> = {},
): Promise<{
  ws?: WebSocket;
  hello?: Hello;
  status?: number;
  events: { event: string; payload: unknown }[];
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws${query}`, {
      headers: { Origin: `http://127.0.0.1:${port}`, ...headers },
    });
    const events: { event: string; payload: unknown }[] = [];
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { t: string; event: string; payload: unknown };
      if (m.t === 'hello') resolve({ ws, hello: m as unknown as Hello, events });
      if (m.t === 'event') events.push({ event: m.event, payload: m.payload });
    });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, events }));
    ws.once('error', reject);
  });
}

/** Call a contract method over an open socket and wait for its result. */
export function wsCall(
  ws: WebSocket,
  method: string,
  args: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const onMsg = (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { t: string; id: number; result: never };
      if (m.t === 'result' && m.id === id) {
        ws.off('message', onMsg);
        resolve(m.result);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'call', id, method, args }));
  });
}

/** A loopback server over a stand-in-trainer registry, as the serve door composes one; close() stops both. */
export async function startTestServer(opts: {
  staticDir: string;
  startDir?: string;
  queue?: RunQueueOptions;
  sessionGraceMs?: number;
}): Promise<{ server: StudioServer; registry: ProjectRegistry; close(): Promise<void> }> {
  const registry = new ProjectRegistry(opts.queue ?? standInQueue());
  const server = await startStudioServer({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    staticDir: opts.staticDir,
    registry,
    services: { predictor: refusingPredictor },
    ...(opts.startDir ? { startDir: opts.startDir } : {}),
    ...(opts.sessionGraceMs ? { sessionGraceMs: opts.sessionGraceMs } : {}),
  });
  return {
    server,
    registry,
    close: async () => {
      await server.close();
      await registry.close();
    },
  };
}

/** Sample projects made in place (name = folder name), closed again: what the server tests serve. */
export async function sampleProjects(specs: { dir: string; images: number; seed: number }[]): Promise<void> {
  for (const s of specs) {
    const p = Project.init(s.dir, path.basename(s.dir));
    await fillSampleProject(p, { count: s.images, seed: s.seed });
    p.close();
  }
}
