// Preload: exposes one function per contract method on window.studio, and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, METHOD_NAMES } from '../shared/api/methods';

const api: Record<string, (args?: unknown) => Promise<unknown>> = {};
for (const method of METHOD_NAMES) {
  api[method] = (args?: unknown) => ipcRenderer.invoke(ipcChannel(method), args ?? {});
}
contextBridge.exposeInMainWorld('studio', Object.freeze(api));
