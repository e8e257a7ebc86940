import type { WebSocket } from 'ws';
import { createHandlers, type HandlerServices, type Handlers } from '../services/api/handlers';
import type { ProjectRegistry } from '../services/api/registry';
import { StudioSession } from '../services/api/session';

/** A browser tab's session on the server: its own open project, its handlers, the sockets it talks over. */
export interface TabSession {
  session: StudioSession;
  handlers: Handlers;
  sockets: Set<WebSocket>;
  off: () => void;
  expiry: NodeJS.Timeout | null;
}

/** How a new connection was given its session. */
export interface Attached {
  tab: TabSession;
  /** True when the connection continues the session it named (its open project included). */
  resumed: boolean;
}

/** A session id is only ever what the server made (base64url); anything else is treated as none. */
const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * One session per browser tab for `ridge serve`. A new connection without a session id gets a fresh session
 * (on the project `ridge serve <dir>` was started with, if any); a reconnecting tab names its session and
 * continues it, open project included, so edits it queued while offline land in the right project. A named
 * session the server no longer knows (it restarted, or the session expired) is NOT replaced by the start
 * project: the new session has no project, so a stale tab's writes are refused (no-project) instead of landing
 * elsewhere. A session whose tab is gone is kept for graceMs, then closed (its project released).
 */
export class TabSessions {
  private readonly byId = new Map<string, TabSession>();

  constructor(
    private readonly registry: ProjectRegistry,
    private readonly services: HandlerServices,
    private readonly startDir: string | null,
    private readonly graceMs: number,
  ) {}

  private create(dir: string | null): TabSession {
    const session = new StudioSession(this.registry);
    if (dir) session.use(dir);
    const tab: TabSession = {
      session,
      handlers: createHandlers(session, this.services),
      sockets: new Set(),
      off: () => undefined,
      expiry: null,
    };
    const off = session.subscribe((event, payload) => {
      const msg = JSON.stringify({ t: 'event', event, payload });
      for (const s of tab.sockets) if (s.readyState === s.OPEN) s.send(msg);
    });
    tab.off = off;
    this.byId.set(session.id, tab);
    return tab;
  }

  /** The session a new connection works in: the one it names, or a new one. */
  attach(requested: string | null, ws: WebSocket): Attached {
    const named = requested && SESSION_ID.test(requested) ? requested : null;
    let tab = named ? this.byId.get(named) : undefined;
    let resumed = Boolean(tab);
    if (tab && tab.sockets.size > 0) {
      // The session is live in another tab (a duplicated tab copies its storage): same project, own session.
      tab = this.create(tab.session.dir);
      resumed = true;
    }
    tab ??= this.create(named ? null : this.startDir);
    if (tab.expiry) clearTimeout(tab.expiry);
    tab.expiry = null;
    tab.sockets.add(ws);
    ws.on('close', () => this.detach(tab, ws));
    return { tab, resumed };
  }

  private detach(tab: TabSession, ws: WebSocket): void {
    tab.sockets.delete(ws);
    if (tab.sockets.size > 0 || !this.byId.has(tab.session.id)) return;
    tab.expiry = setTimeout(() => this.end(tab), this.graceMs);
    tab.expiry.unref();
  }

  private end(tab: TabSession): void {
    this.byId.delete(tab.session.id);
    tab.off();
    tab.session.close();
  }

  /** The session an HTTP request names (`?session=`), or null. */
  get(id: string | null): StudioSession | null {
    return (id && this.byId.get(id)?.session) || null;
  }

  /** Close every session (server shutdown). */
  closeAll(): void {
    for (const tab of [...this.byId.values()]) {
      if (tab.expiry) clearTimeout(tab.expiry);
      this.end(tab);
    }
  }
}
