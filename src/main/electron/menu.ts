import type { MenuItemConstructorOptions } from 'electron';
import type { RecentEntry } from './recent';

/** What the menu's items do; index.ts wires these to dialogs, the session and the window. */
export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(dir: string): void;
  clearRecent(): void;
  /** A renderer command (undo, redo, shortcuts, fit...) sent as a 'menu.command' event. */
  send(command: string): void;
}

/**
 * The native menu template: File (new/open/recent), Edit (undo/redo go to the editor's history, not the
 * webContents'; the page's own key handler takes the keys, so accelerators are shown, not registered), View, Help. Pure data, so a test can check it without Electron.
 */
export function menuTemplate(
  a: MenuActions,
  recent: RecentEntry[],
  isMac = process.platform === 'darwin',
): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => a.newProject() },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => a.openProject() },
        {
          label: 'Open Recent',
          submenu: [
            ...recent.map((r) => ({ label: `${r.name} — ${r.dir}`, click: () => a.openRecent(r.dir) })),
            ...(recent.length ? [{ type: 'separator' as const }] : []),
            { label: 'Clear Recent', enabled: recent.length > 0, click: () => a.clearRecent() },
          ],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        {
          label: 'Undo',
          accelerator: 'CmdOrCtrl+Z',
          registerAccelerator: false,
          click: () => a.send('undo'),
        },
        {
          label: 'Redo',
          accelerator: 'CmdOrCtrl+Shift+Z',
          registerAccelerator: false,
          click: () => a.send('redo'),
        },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        {
          label: 'Fit Image to Window',
          accelerator: 'F',
          registerAccelerator: false,
          click: () => a.send('fit'),
        },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        {
          label: 'Keyboard Shortcuts',
          accelerator: 'Shift+/',
          registerAccelerator: false,
          click: () => a.send('help'),
        },
      ],
    },
  ];
}
