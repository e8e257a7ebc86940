// Electron main process: a thin shell over the same services as `ridge serve` and the CLI.
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import path from 'node:path';
import { createHandlers, StudioSession } from '../services/api/handlers';
import { registerIpcHandlers } from './ipc';

const RENDERER_URL = process.env.ELECTRON_RENDERER_URL;

function isAppUrl(url: string): boolean {
  return RENDERER_URL ? url.startsWith(RENDERER_URL) : url.startsWith('file://');
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Ridge Studio',
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

const session = new StudioSession();
void app.whenReady().then(() => {
  const win = createWindow();
  registerIpcHandlers(
    ipcMain,
    createHandlers(session),
    (e) => e.sender === win.webContents && e.senderFrame === win.webContents.mainFrame,
  );
});
app.on('window-all-closed', () => {
  session.close();
  app.quit();
});
