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

/** What the page can tell about the link: what the header shows (and its `data-connection`). */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'token-refused';

/** What a quick HTTP check says after the socket dropped: the server answers, is unreachable, or refuses the token. */
export type ProbeResult = 'up' | 'down' | 'refused';

/** What the transport is built from; the page passes the browser's WebSocket and sessionStorage. */
export interface TransportDeps {
  connect: (url: string) => SocketLike;
  store: SessionStore;
  /** Tell a server that is down from one that refuses the token (the page fetches /api/health); none: down. */
  probe?: () => Promise<ProbeResult>;
}

/**
 * Run once when a connection's hello says the session it named is gone (the server restarted): calls made
 * through `call` go out at once, before any queued call, so the page can re-open its project first.
 */
export type ResumeHook = (
  call: (method: string, args: unknown) => Promise<CallResult<unknown>>,
) => Promise<void>;

interface Pending {
  method: string;
  /** Sent ahead of the queue (the resume hook's calls). */
  first: boolean;
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
 * socket reconnects with backoff; calls made while it is down wait for it. Queued calls go out only after the
 * server's hello (and the resume hook, when the server no longer knew the session). Each call has its method's
 * deadline (callDeadline): a long one waits as long as the server keeps saying it works on it. The link's state
 * (connected, reconnecting, offline, token refused) is published for the header.
 */
export class WsTransport {
  private ws: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private retryMs = 250;
  private session: string | null;
  /** True between the hello (and resume hook) and the next drop: queued calls may go out. */
  private ready = false;
  private everConnected = false;
  private stateNow: LinkState = 'connecting';
  private readonly stateListeners = new Set<() => void>();
  /** Set by the page: re-open its project on a server that forgot the session. */
  onResume: ResumeHook | null = null;

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

  /** The link's state now. */
  get state(): LinkState {
    return this.stateNow;
  }

  /** Listen to link-state changes; returns the unsubscribe function. */
  subscribeState = (fn: () => void): (() => void) => {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  };

  private setState(s: LinkState): void {
    if (s === this.stateNow) return;
    this.stateNow = s;
    for (const fn of this.stateListeners) fn();
  }

  private flush(first: boolean): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return;
    for (const p of this.pending.values()) {
      if (p.sent || (first && !p.first)) continue;
      ws.send(p.msg);
      p.sent = true;
    }
  }

  private async hello(resumed: boolean): Promise<void> {
    const hook = this.onResume;
    if (!resumed && hook && this.everConnected) {
      await hook((method, args) => this.call(method, args, { first: true })).catch(() => undefined);
    }
    this.everConnected = true;
    this.ready = true;
    this.retryMs = 250;
    this.setState('connected');
    this.flush(false);
  }

  private dropped(): void {
    this.ready = false;
    if (this.stateNow === 'connected' || this.stateNow === 'connecting') this.setState('reconnecting');
    const probe = this.deps.probe;
    if (!probe) return this.setState('offline');
    void probe().then(
      (r) => {
        if (this.ready) return;
        this.setState(r === 'refused' ? 'token-refused' : r === 'down' ? 'offline' : 'reconnecting');
      },
      () => !this.ready && this.setState('offline'),
    );
  }

  private open(): void {
    const sep = this.url.includes('?') ? '&' : '?';
    const ws = this.deps.connect(
      this.session ? `${this.url}${sep}${SESSION_PARAM}=${encodeURIComponent(this.session)}` : this.url,
    );
    this.ws = ws;
    ws.onopen = () => undefined; // calls go out after the server's hello
    ws.onmessage = (e) => this.receive(JSON.parse(String(e.data)) as WireServerMessage);
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      for (const [id, p] of this.pending)
        if (p.sent) this.settle(id, fail('offline', 'offline: the link to the server dropped'));
      this.dropped();
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, 4000);
    };
  }

  private receive(m: WireServerMessage): void {
    if (m.t === 'hello') {
      this.session = m.session;
      this.deps.store.setItem(SESSION_KEY, m.session);
      void this.hello(m.resumed);
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

  /**
   * Send one call; resolves with its result (never rejects). `key` is its idempotency key: the server answers a
   * repeat of the key with the first answer instead of running it again.
   */
  call(
    method: string,
    args: unknown,
    o: { key?: string; first?: boolean } = {},
  ): Promise<CallResult<unknown>> {
    const id = this.nextId++;
    const msg = JSON.stringify({ t: 'call', id, method, args, ...(o.key ? { key: o.key } : {}) });
    return new Promise((resolve) => {
      const first = Boolean(o.first);
      const p: Pending = { method, first, resolve, msg, sent: false, timer: setTimeout(() => undefined, 0) };
      this.pending.set(id, p);
      this.arm(id, p);
      this.flush(!this.ready);
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
