import type { WebSocket } from 'ws';
import type { CallResult } from '../../shared/api/methods';
import type { WireCall, WireServerMessage } from '../../shared/api/wire';
import { dispatch } from '../services/api/dispatch';
import type { Handlers } from '../services/api/handlers';

/** How often the server tells the page that a call is still being worked on (the page times out on silence). */
export const WORKING_INTERVAL_MS = 5_000;

/** Runs a call at most once per idempotency key (the server passes its IdempotencyRecord, scoped per project). */
export type RunOnce = (
  key: string | undefined,
  run: () => Promise<CallResult<unknown>>,
) => Promise<CallResult<unknown>>;

function parseCall(data: string): WireCall | null {
  try {
    const m = JSON.parse(data) as Partial<WireCall>;
    if (m && m.t === 'call' && Number.isInteger(m.id) && typeof m.method === 'string') return m as WireCall;
  } catch {
    /* not JSON: refused below */
  }
  return null;
}

/**
 * The close code ws sent for a protocol error (it keeps it on the error under its 'status-code' symbol: 1002
 * protocol, 1007 bad UTF-8, 1008 too many parts, 1009 too big), or 1011 for a failure of the socket itself.
 */
function closeCodeOf(err: Error): number {
  const key = Object.getOwnPropertySymbols(err).find((k) => k.description === 'status-code');
  const code = key ? (err as unknown as Record<symbol, unknown>)[key] : undefined;
  return typeof code === 'number' ? code : 1011;
}

/**
 * Serve the contract on one socket: every call goes through dispatch (validation included), like IPC. While a
 * call runs, `{t:'working', id}` goes out every WORKING_INTERVAL_MS, so a long import or pre-label is never
 * mistaken for a dead server. A bad frame or a socket failure ends this connection only: ws has already sent the
 * close code (1002, 1007, 1009) when it reports the error, the server logs one line and serves everyone else.
 */
export function serveSocket(
  ws: WebSocket,
  handlers: Handlers,
  log: (line: string) => void,
  once: RunOnce = (_k, run) => run(),
): void {
  const send = (m: WireServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  ws.on('error', (err) => {
    const code = closeCodeOf(err);
    log(`ridge serve: closed a connection (${code}): ${err.message}`);
    if (ws.readyState === ws.OPEN) ws.close(code, 'bad frame');
    // After a protocol error ws has sent the close frame and drains the peer (closing the socket after its close
    // timeout): cutting it now would reset a peer still writing, which then loses the close code.
    else if (code === 1011 && ws.readyState !== ws.CLOSED) ws.terminate();
  });
  ws.on('message', (raw, isBinary) => {
    const call = isBinary ? null : parseCall(raw.toString());
    if (!call) {
      ws.close(1003, 'expected {t:"call", id, method, args}');
      return;
    }
    const working = setInterval(() => send({ t: 'working', id: call.id }), WORKING_INTERVAL_MS);
    void once(call.key, () => dispatch(handlers, call.method, call.args)).then((result) => {
      clearInterval(working);
      send({ t: 'result', id: call.id, result });
    });
  });
}
