import type { WebSocket } from 'ws';
import type { EventMap } from '../../shared/api/contract';
import { dispatch } from '../services/api/dispatch';
import type { Handlers } from '../services/api/handlers';

/** A call the page sends over the WebSocket. */
export interface WsCall {
  t: 'call';
  id: number;
  method: string;
  args?: unknown;
}

/** Messages the server sends: a call's result, or a pushed event. */
export type WsServerMessage =
  | { t: 'result'; id: number; result: Awaited<ReturnType<typeof dispatch>> }
  | { t: 'event'; event: keyof EventMap; payload: unknown };

function parseCall(data: string): WsCall | null {
  try {
    const m = JSON.parse(data) as Partial<WsCall>;
    if (m && m.t === 'call' && Number.isInteger(m.id) && typeof m.method === 'string') return m as WsCall;
  } catch {
    /* not JSON: refused below */
  }
  return null;
}

/** Serve the contract on one socket: every call goes through dispatch (validation included), like IPC. */
export function serveSocket(ws: WebSocket, handlers: Handlers): void {
  ws.on('message', (raw, isBinary) => {
    const call = isBinary ? null : parseCall(raw.toString());
    if (!call) {
      ws.close(1003, 'expected {t:"call", id, method, args}');
      return;
    }
    void dispatch(handlers, call.method, call.args).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'result', id: call.id, result }));
    });
  });
}

/** Push an event to every connected page. */
export function broadcast<E extends keyof EventMap>(
  sockets: Iterable<WebSocket>,
  event: E,
  payload: EventMap[E],
): void {
  const msg = JSON.stringify({ t: 'event', event, payload });
  for (const s of sockets) if (s.readyState === s.OPEN) s.send(msg);
}
