import type { CallResult } from '../../../shared/api/methods';

interface Pending {
  resolve: (r: CallResult<unknown>) => void;
  msg: string;
  sent: boolean;
}

/**
 * The contract over one WebSocket to `ridge serve`: numbered calls, results matched by id, events fanned out.
 * If the link drops, calls in flight fail as offline (the editor's save queue retries them) and the socket
 * reconnects with backoff; calls made while it is down wait for it, up to 30 s.
 */
export class WsTransport {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private retryMs = 250;

  constructor(private readonly url: string) {
    this.open();
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      for (const p of this.pending.values()) {
        if (p.sent) continue;
        ws.send(p.msg);
        p.sent = true;
      }
    };
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as
        | { t: 'result'; id: number; result: CallResult<unknown> }
        | { t: 'event'; event: string; payload: unknown };
      if (m.t === 'result') {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.result);
      } else for (const cb of this.listeners.get(m.event) ?? []) cb(m.payload);
    };
    ws.onclose = () => {
      this.ws = null;
      for (const [id, p] of this.pending)
        if (p.sent) {
          this.pending.delete(id);
          p.resolve({
            ok: false,
            error: { code: 'offline', message: 'offline: the link to the server dropped' },
          });
        }
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  /** Send one call; resolves with its result (never rejects). */
  call(method: string, args: unknown): Promise<CallResult<unknown>> {
    const id = this.nextId++;
    const msg = JSON.stringify({ t: 'call', id, method, args });
    return new Promise((resolve) => {
      const open = this.ws?.readyState === WebSocket.OPEN;
      this.pending.set(id, { resolve, msg, sent: open });
      if (open) this.ws!.send(msg);
      setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'timeout', message: 'the server did not answer within 30 s' } });
      }, 30_000);
    });
  }

  /** Listen to a pushed event. */
  on(event: string, cb: (p: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(cb);
    this.listeners.set(event, set);
    return () => set.delete(cb);
  }
}
