// Preload: exposes one function per contract method on window.studio, plus `on` for the contract's events.
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_NAMES, eventChannel, ipcChannel, METHOD_NAMES } from '../shared/api/methods';

const api: Record<string, unknown> = {};
for (const method of METHOD_NAMES) {
  api[method] = (args?: unknown) => ipcRenderer.invoke(ipcChannel(method), args ?? {});
}
api.on = (event: string, cb: (payload: unknown) => void) => {
  if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event ${event}`);
  const listener = (_e: unknown, payload: unknown) => cb(payload);
  ipcRenderer.on(eventChannel(event), listener);
  return () => ipcRenderer.removeListener(eventChannel(event), listener);
};
contextBridge.exposeInMainWorld('studio', Object.freeze(api));
