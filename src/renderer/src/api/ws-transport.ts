import type { ApiErrorShape } from '../../../shared/api/contract';
import { callDeadline, type CallResult } from '../../../shared/api/methods';
import { SESSION_PARAM, type WireServerMessage } from '../../../shared/api/wire';

/** The part of a WebSocket the transport uses (the browser's, or the `ws` package's in tests). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: ((e: unknown) => void) | null;
  send(data: string): void;
}

/** Where the tab keeps its session id (sessionStorage: one per tab, kept across a reload). */
export interface SessionStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What the transport is built from; the page passes the browser's WebSocket and sessionStorage. */
export interface TransportDeps {
  connect: (url: string) => SocketLike;
  store: SessionStore;
}

interface Pending {
  method: string;
  resolve: (r: CallResult<unknown>) => void;
  msg: string;
  sent: boolean;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const SESSION_KEY = 'ridge.session';
const fail = (code: ApiErrorShape['code'], message: string): CallResult<unknown> => ({
  ok: false,
  error: { code, message },
});

/**
 * The contract over one WebSocket to `ridge serve`: numbered calls, results matched by id, events fanned out.
 * The server names this tab's session in its hello; the transport keeps the id (per tab) and presents it when it
 * reconnects, so the session (its open project included) continues and writes queued while offline land in the
 * right project. If the link drops, calls in flight fail as `offline` (the save queue retries those) and the
 * socket reconnects with backoff; calls made while it is down wait for it. Each call has its method's deadline
 * (callDeadline): a long one waits as long as the server keeps saying it works on it.
 */
export class WsTransport {
  private ws: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private retryMs = 250;
  private session: string | null;

  constructor(
    private readonly url: string,
    private readonly deps: TransportDeps,
  ) {
    this.session = deps.store.getItem(SESSION_KEY);
    this.open();
  }

  /** This tab's session on the server (null until the first hello): HTTP requests for its bytes name it. */
  get sessionId(): string | null {
    return this.session;
  }

  private open(): void {
    const sep = this.url.includes('?') ? '&' : '?';
    const ws = this.deps.connect(
      this.session ? `${this.url}${sep}${SESSION_PARAM}=${encodeURIComponent(this.session)}` : this.url,
    );
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      for (const p of this.pending.values()) {
        if (p.sent) continue;
        ws.send(p.msg);
        p.sent = true;
      }
    };
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as WireServerMessage);
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      for (const [id, p] of this.pending)
        if (p.sent) this.settle(id, fail('offline', 'offline: the link to the server dropped'));
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  private receive(m: WireServerMessage): void {
    if (m.t === 'hello') {
      this.session = m.session;
      this.deps.store.setItem(SESSION_KEY, m.session);
    } else if (m.t === 'result') this.settle(m.id, m.result);
    else if (m.t === 'working') {
      const p = this.pending.get(m.id);
      if (p && callDeadline(p.method).whileWorking) this.arm(m.id, p);
    } else for (const cb of this.listeners.get(m.event) ?? []) cb(m.payload);
  }

  private settle(id: number, r: CallResult<unknown>): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    p.resolve(r);
  }

  /** (Re)start a call's deadline. */
  private arm(id: number, p: Pending): void {
    clearTimeout(p.timer);
    const { ms } = callDeadline(p.method);
    p.timer = setTimeout(
      () =>
        this.settle(
          id,
          p.sent
            ? fail('timeout', `the server did not answer ${p.method} within ${ms / 1000} s`)
            : fail('offline', `offline: could not reach the server within ${ms / 1000} s`),
        ),
      ms,
    );
  }

  /** Send one call; resolves with its result (never rejects). */
  call(method: string, args: unknown): Promise<CallResult<unknown>> {
    const id = this.nextId++;
    const msg = JSON.stringify({ t: 'call', id, method, args });
    return new Promise((resolve) => {
      const open = this.ws?.readyState === OPEN;
      const p: Pending = { method, resolve, msg, sent: open, timer: setTimeout(() => undefined, 0) };
      this.pending.set(id, p);
      this.arm(id, p);
      if (open) this.ws!.send(msg);
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
