// Electron main process: a thin shell over the same services as `ridge serve` and the CLI.
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session as eSession, shell } from 'electron';
import path from 'node:path';
import type { EventMap } from '../../shared/api/contract';
import { eventChannel } from '../../shared/api/methods';
import { createHandlers } from '../services/api/handlers';
import { ProjectRegistry } from '../services/api/registry';
import { StudioSession } from '../services/api/session';
import { thisProcessOwner } from '../services/runs/lease';
import { trainerProcessPredictor } from '../services/runs/predict-host';
import { registerIpcHandlers } from './ipc';
import { MEDIA_SCHEME, registerMediaProtocol } from './media';
import { menuTemplate } from './menu';
import { RecentProjects } from './recent';
import { utilityTrainer } from './trainer-process';

const RENDERER_URL = process.env.ELECTRON_RENDERER_URL;
const CSP =
  "default-src 'self'; img-src 'self' data: blob: ridge-media:; style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true } },
]);

function isAppUrl(url: string): boolean {
  return RENDERER_URL ? url.startsWith(RENDERER_URL) : url.startsWith('file://');
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Ridge Studio',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  if (RENDERER_URL) void win.loadURL(RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
  return win;
}

// The app's composition root: one registry (runs adopted, trained in utility processes), one window, one session.
const registry = new ProjectRegistry({ owner: thisProcessOwner(), adopt: true, spawn: utilityTrainer });
const session = new StudioSession(registry);
void app.whenReady().then(() => {
  eSession.defaultSession.webRequest.onHeadersReceived((details, cb) =>
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  registerMediaProtocol(protocol, session);
  // Training and predictions both run in utility processes (same protocol as `ridge serve`'s forks).
  const handlers = createHandlers(session, { predictor: trainerProcessPredictor({ spawn: utilityTrainer }) });
  const recent = new RecentProjects(path.join(app.getPath('userData'), 'recent-projects.json'));
  const win = createWindow();
  registerIpcHandlers(
    ipcMain,
    handlers,
    (e) => e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame,
  );
  const emit = <E extends keyof EventMap>(event: E, payload: EventMap[E]) =>
    win.webContents.send(eventChannel(event), payload);
  session.subscribe((event, payload) => {
    if (!win.isDestroyed()) emit(event, payload);
  });
  const attempt = (dir: string, how: 'open' | 'create') => {
    try {
      const info = session.use(dir, how);
      recent.add({ dir: info.dir, name: info.name });
      buildMenu();
      emit('project.changed', info);
    } catch (err) {
      dialog.showErrorBox('Ridge Studio', (err as Error).message);
    }
  };
  const buildMenu = () =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        menuTemplate(
          {
            newProject: () => {
              const r = dialog.showOpenDialogSync(win, {
                title: 'New project: pick or create an empty folder',
                properties: ['openDirectory', 'createDirectory'],
              });
              if (r?.[0]) attempt(r[0], 'create');
            },
            openProject: () => {
              const r = dialog.showOpenDialogSync(win, {
                title: 'Open project folder',
                properties: ['openDirectory'],
              });
              if (r?.[0]) attempt(r[0], 'open');
            },
            openRecent: (dir) => attempt(dir, 'open'),
            clearRecent: () => {
              recent.clear();
              buildMenu();
            },
            send: (command) => emit('menu.command', { command }),
          },
          recent.list(),
        ),
      ),
    );
  buildMenu();
});
app.on('window-all-closed', () => {
  session.close();
  void registry.close().finally(() => app.quit());
});
