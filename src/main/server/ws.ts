import type { WebSocket } from 'ws';
import type { WireCall, WireServerMessage } from '../../shared/api/wire';
import { dispatch } from '../services/api/dispatch';
import type { Handlers } from '../services/api/handlers';

/** How often the server tells the page that a call is still being worked on (the page times out on silence). */
export const WORKING_INTERVAL_MS = 5_000;

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
 * Serve the contract on one socket: every call goes through dispatch (validation included), like IPC. While a
 * call runs, `{t:'working', id}` goes out every WORKING_INTERVAL_MS, so a long import or pre-label is never
 * mistaken for a dead server.
 */
export function serveSocket(ws: WebSocket, handlers: Handlers): void {
  const send = (m: WireServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  ws.on('message', (raw, isBinary) => {
    const call = isBinary ? null : parseCall(raw.toString());
    if (!call) {
      ws.close(1003, 'expected {t:"call", id, method, args}');
      return;
    }
    const working = setInterval(() => send({ t: 'working', id: call.id }), WORKING_INTERVAL_MS);
    void dispatch(handlers, call.method, call.args).then((result) => {
      clearInterval(working);
      send({ t: 'result', id: call.id, result });
    });
  });
}
