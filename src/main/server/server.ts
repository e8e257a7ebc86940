import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { SESSION_PARAM, type WireServerMessage } from '../../shared/api/wire';
import type { HandlerServices } from '../services/api/handlers';
import type { ProjectRegistry } from '../services/api/registry';
import { handleApi } from './http-api';
import { checkRequest, type GuardConfig, isLoopbackHost, loopbackHosts, newToken } from './security';
import { TabSessions } from './sessions';
import { serveStatic } from './static';
import { serveSocket } from './ws';

/** How long a tab's session waits for the tab to reconnect before its project is let go. */
export const SESSION_GRACE_MS = 30 * 60_000;

/** How to start the HTTP + WebSocket server; the serve door (door.ts) builds the registry and services. */
export interface ServeOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  /** The built renderer (out/renderer). */
  staticDir: string;
  registry: ProjectRegistry;
  services: HandlerServices;
  /** The project a new tab starts on (`ridge serve <dir>`); none: tabs start at the project home. */
  startDir?: string;
  token?: string;
  sessionGraceMs?: number;
}

/** A running server: the URL to print, and how to stop it. */
export interface StudioServer {
  url: string;
  token: string;
  port: number;
  /** The tabs' sessions (one per connection, resumable). */
  sessions: TabSessions;
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
  const sessions = new TabSessions(
    opts.registry,
    opts.services,
    opts.startDir ?? null,
    opts.sessionGraceMs ?? SESSION_GRACE_MS,
  );
  const token = opts.token ?? newToken();
  const guard: GuardConfig = { token, allowedHosts: null };
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://internal');
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/');
    const refused = checkRequest(req, url, guard, isApi);
    if (refused) {
      res.writeHead(refused.status, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ code: 'unauthorized', message: refused.message }));
    }
    if (isApi) return void handleApi(() => sessions.get(url.searchParams.get(SESSION_PARAM)), req, res, url);
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
      const { tab, resumed } = sessions.attach(url.searchParams.get(SESSION_PARAM), ws);
      const hello: WireServerMessage = { t: 'hello', session: tab.session.id, resumed };
      ws.send(JSON.stringify(hello));
      serveSocket(ws, tab.handlers);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!opts.allowRemote) guard.allowedHosts = loopbackHosts(opts.host, port);
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    sessions,
    close: async () => {
      for (const s of wss.clients) s.terminate();
      wss.close();
      sessions.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
