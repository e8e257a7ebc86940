import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventMap } from '../../shared/api/contract';
import { createHandlers, type Handlers, StudioSession } from '../services/api/handlers';
import { runsHub, withQueueOnOpen } from '../services/api/runs-handlers';
import { handleApi } from './http-api';
import { enginePredictor } from './predictor';
import { checkRequest, type GuardConfig, isLoopbackHost, loopbackHosts, newToken } from './security';
import { serveStatic } from './static';
import { broadcast, serveSocket } from './ws';

/** How to start `ridge serve`. */
export interface ServeOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  /** The built renderer (out/renderer). */
  staticDir: string;
  session?: StudioSession;
  /** Tests pass stand-in handlers to prove every method reaches one. */
  handlers?: Handlers;
  token?: string;
}

/** A running server: the URL to print, and how to stop it. */
export interface StudioServer {
  url: string;
  token: string;
  port: number;
  session: StudioSession;
  emit<E extends keyof EventMap>(event: E, payload: EventMap[E]): void;
  close(): Promise<void>;
}

/** Path of the contract's WebSocket. */
export const WS_PATH = '/api/ws';

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const text = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n` +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}

/** Start the HTTP + WebSocket server over the services; refuses a non-loopback host without allowRemote. */
export async function startStudioServer(opts: ServeOptions): Promise<StudioServer> {
  if (!isLoopbackHost(opts.host) && !opts.allowRemote)
    throw new Error(`refusing to listen on ${opts.host} without --allow-remote`);
  const session = opts.session ?? new StudioSession();
  const hub = runsHub(session);
  hub.predictor ??= enginePredictor;
  const handlers = withQueueOnOpen(opts.handlers ?? createHandlers(session), hub);
  const token = opts.token ?? newToken();
  const guard: GuardConfig = { token, allowedHosts: null };
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://internal');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    const refused = checkRequest(req, url, guard, isApi);
    if (refused) {
      res.writeHead(refused.status, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ code: 'unauthorized', message: refused.message }));
    }
    if (isApi) return void handleApi(session, req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405);
      return void res.end();
    }
    serveStatic(opts.staticDir, url.pathname, res);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://internal');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'no WebSocket here');
    const refused = checkRequest(req, url, guard, true);
    if (refused) return refuseUpgrade(socket, refused.status, refused.message);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveSocket(ws, handlers);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // Training events reach every page; a project opened at start-up resumes its queued runs now.
  const offRuns = hub.subscribe((event, payload) => broadcast(sockets, event, payload));
  hub.attach();
  if (!opts.allowRemote) guard.allowedHosts = loopbackHosts(opts.host, port);
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    session,
    emit: (event, payload) => broadcast(sockets, event, payload),
    close: async () => {
      offRuns();
      await hub.dispose();
      for (const s of sockets) s.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      session.close();
    },
  };
}
