import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { SESSION_PARAM, type WireServerMessage } from '../../shared/api/wire';
import type { HandlerServices } from '../services/api/handlers';
import { IdempotencyRecord } from '../services/api/idempotency';
import type { ProjectRegistry } from '../services/api/registry';
import { handleApi } from './http-api';
import { allowedHosts, checkRequest, type GuardConfig, isLoopbackHost, newToken } from './security';
import { TabSessions } from './sessions';
import { serveStatic } from './static';
import { serveSocket } from './ws';

/**
 * The largest WebSocket message the server accepts (one frame or a fragmented message, whole): a bigger one closes
 * that connection with 1009 (message too big). Calls are small JSON; a large batch of boxes fits many times over.
 */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** How long a tab's session waits for the tab to reconnect before its project is let go. */
export const SESSION_GRACE_MS = 30 * 60_000;

/** How to start the HTTP + WebSocket server; the serve door (door.ts) builds the registry and services. */
export interface ServeOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  /** With allowRemote: Host names (name or name:port) remote browsers use, beside the bound address's own. */
  publicHosts?: string[];
  /** The built renderer (out/renderer). */
  staticDir: string;
  registry: ProjectRegistry;
  services: HandlerServices;
  /** The project a new tab starts on (`ridge serve <dir>`); none: tabs start at the project home. */
  startDir?: string;
  token?: string;
  sessionGraceMs?: number;
  /** Where the server's one-line notes go (a connection closed on a bad frame...); default: stderr. */
  log?: (line: string) => void;
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
  // One record for every tab: a reloaded page (a new session on the same project) replays under the same keys.
  const idempotent = new IdempotencyRecord();
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (err) => log(`ridge serve: WebSocket server error: ${err.message}`));

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
    // A peer that resets during the handshake must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://internal');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'no WebSocket here');
    const refused = checkRequest(req, url, guard, true);
    if (refused) return refuseUpgrade(socket, refused.status, refused.message);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const { tab, resumed } = sessions.attach(url.searchParams.get(SESSION_PARAM), ws);
      serveSocket(ws, tab.handlers, log, (key, run) => idempotent.run(tab.session.dir, key, run));
      const hello: WireServerMessage = { t: 'hello', session: tab.session.id, resumed };
      ws.send(JSON.stringify(hello));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guard.allowedHosts = allowedHosts(opts.host, port, opts.allowRemote ? (opts.publicHosts ?? []) : []);
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
