import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../src/main/electron/menu';
import { RecentProjects } from '../../../src/main/electron/recent';
import { makeTmpDir } from '../../helpers/tmp';
import path from 'node:path';

vi.mock('electron', () => ({}));

function items(t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

describe('Electron shell (menus, recent projects) without the binary', () => {
  it('has the usual shortcuts, and undo/redo go to the editor, not the web page', () => {
    const a = {
      newProject: vi.fn(),
      openProject: vi.fn(),
      openRecent: vi.fn(),
      clearRecent: vi.fn(),
      send: vi.fn(),
    };
    const all = items(menuTemplate(a, [{ dir: '/p/one', name: 'one' }], false));
    const by = (label: string) => all.find((i) => i.label === label)!;
    expect(by('New Project…').accelerator).toBe('CmdOrCtrl+N');
    expect(by('Open Project…').accelerator).toBe('CmdOrCtrl+O');
    (by('Undo').click as () => void)();
    (by('Redo').click as () => void)();
    expect(a.send.mock.calls).toEqual([['undo'], ['redo']]);
    (by('one — /p/one').click as () => void)();
    expect(a.openRecent).toHaveBeenCalledWith('/p/one');
    expect(all.some((i) => i.role === 'quit')).toBe(true);
  });

  it('keeps recent projects newest first, once each, surviving a damaged file', () => {
    const tmp = makeTmpDir();
    const r = new RecentProjects(path.join(tmp.dir, 'recent.json'), 3);
    expect(r.list()).toEqual([]);
    r.add({ dir: '/a', name: 'a' });
    r.add({ dir: '/b', name: 'b' });
    r.add({ dir: '/a', name: 'a' });
    expect(r.list().map((e) => e.dir)).toEqual(['/a', '/b']);
    r.add({ dir: '/c', name: 'c' });
    r.add({ dir: '/d', name: 'd' });
    expect(r.list().map((e) => e.dir)).toEqual(['/d', '/c', '/a']);
    tmp.cleanup();
  });
});
