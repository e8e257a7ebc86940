import type { EventMap, StudioApi } from '../../../shared/api/contract';
import type { CallResult } from '../../../shared/api/methods';
import { ApiError } from '../../../shared/api/errors';
import { typedApi } from './typed';
import { SESSION_PARAM } from '../../../shared/api/wire';
import { type SocketLike, WsTransport } from './ws-transport';

/** Pushed-event subscription; returns the unsubscribe function. */
export type OnEvent = <E extends keyof EventMap>(event: E, cb: (payload: EventMap[E]) => void) => () => void;

/** Everything the UI needs from its front door: the typed API, events, and URLs for image bytes. */
export interface Connection {
  kind: 'electron' | 'web';
  api: StudioApi;
  on: OnEvent;
  imageUrl(id: number): string;
  thumbUrl(id: number, size?: number): string;
  /** Web only: upload files into the project's staging folder; returns the folder to import from. */
  upload?: (
    files: { path: string; blob: Blob }[],
    onProgress?: (done: number) => void,
  ) => Promise<{ dir: string; discard(): Promise<void> }>;
  /** Web only: the URL that downloads an export as a tar archive. */
  exportUrl?: (format: string) => string;
  /** Web only: the URL that downloads a run's exported model as a tar archive. */
  modelUrl?: (runId: string) => string;
}

interface PreloadStudio {
  [method: string]: unknown;
  on?: (event: string, cb: (payload: unknown) => void) => () => void;
}

/** Inside Electron the preload puts the API on window.studio; elsewhere (a browser on `ridge serve`) it is absent. */
export function electronApi(): StudioApi | null {
  const w = window as unknown as { studio?: PreloadStudio };
  if (!w.studio) return null;
  const raw = w.studio;
  return typedApi((m, a) => (raw[m] as (x: unknown) => Promise<CallResult<unknown>>)(a));
}

/** The token `ridge serve` printed in the URL; kept for the tab's life so a reload without it still works. */
export function pageToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('ridge.token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('ridge.token');
}

function webConnection(token: string): Connection {
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws?token=${encodeURIComponent(token)}`;
  const transport = new WsTransport(wsUrl, {
    connect: (u) => new WebSocket(u) as unknown as SocketLike,
    store: sessionStorage,
  });
  // HTTP requests name this tab's session, so bytes come from the project this tab has open.
  const qs = () => {
    const s = transport.sessionId;
    return `token=${encodeURIComponent(token)}${s ? `&${SESSION_PARAM}=${encodeURIComponent(s)}` : ''}`;
  };
  return {
    kind: 'web',
    api: typedApi((m, a) => transport.call(m, a)),
    on: (event, cb) => transport.on(event, cb as (p: unknown) => void),
    imageUrl: (id) => `/api/images/${id}/file?${qs()}`,
    thumbUrl: (id, size = 128) => `/api/images/${id}/thumb?size=${size}&${qs()}`,
    exportUrl: (format) => `/api/export?format=${encodeURIComponent(format)}&${qs()}`,
    modelUrl: (runId) => `/api/runs/${encodeURIComponent(runId)}/model?${qs()}`,
    upload: async (files, onProgress) => {
      const batch = Math.random().toString(36).slice(2, 12);
      let dir = '';
      let done = 0;
      const queue = [...files];
      const worker = async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const url = `/api/upload?batch=${batch}&path=${encodeURIComponent(f.path)}&${qs()}`;
          const r = await fetch(url, { method: 'POST', body: f.blob });
          const body = (await r.json()) as { dir?: string; message?: string };
          if (!r.ok) throw new ApiError('user', `upload of ${f.path} failed: ${body.message ?? r.status}`);
          dir = body.dir ?? dir;
          onProgress?.(++done);
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      const discard = async () =>
        void (await fetch(`/api/upload?batch=${batch}&${qs()}`, { method: 'DELETE' }));
      return { dir, discard };
    },
  };
}

function electronConnection(): Connection | null {
  const w = window as unknown as { studio?: PreloadStudio };
  const api = electronApi();
  if (!api || !w.studio) return null;
  const on = w.studio.on;
  return {
    kind: 'electron',
    api,
    on: (event, cb) => (on ? on(event, cb as (p: unknown) => void) : () => undefined),
    imageUrl: (id) => `ridge-media://image/${id}/file`,
    thumbUrl: (id, size = 128) => `ridge-media://image/${id}/thumb?size=${size}`,
  };
}

/** Connect through whichever front door the page runs behind: Electron's preload, or `ridge serve`. */
export function connect(): Connection | { error: string } {
  const electron = electronConnection();
  if (electron) return electron;
  const token = pageToken();
  if (!token) return { error: "no access token: open the exact URL that 'ridge serve' printed" };
  return webConnection(token);
}
