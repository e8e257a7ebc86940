import { describe, expect, it, vi } from 'vitest';
import { registerIpcHandlers } from '../../../src/main/electron/ipc';
import type { Handlers } from '../../../src/main/services/api/handlers';
import { ipcChannel, METHOD_NAMES } from '../../../src/shared/api/methods';

// The electron module cannot load here; the wiring is tested with a stand-in ipcMain.
vi.mock('electron', () => ({}));

type Listener = (event: unknown, args: unknown) => Promise<unknown>;

function fakeIpc() {
  const handlers = new Map<string, Listener>();
  return { handlers, ipcMain: { handle: (channel: string, fn: Listener) => void handlers.set(channel, fn) } };
}

function fakeHandlers(): Handlers {
  const h: Record<string, ReturnType<typeof vi.fn>> = {};
  for (const m of METHOD_NAMES) h[m] = vi.fn(async () => ({ from: m }));
  return h as unknown as Handlers;
}

describe('Electron IPC wiring', () => {
  it('registers one studio:<method> channel per contract method', () => {
    const { handlers, ipcMain } = fakeIpc();
    registerIpcHandlers(ipcMain as never, fakeHandlers(), () => true);
    expect([...handlers.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('validates arguments and reaches the service with them; bad arguments never reach it', async () => {
    const { handlers, ipcMain } = fakeIpc();
    const services = fakeHandlers();
    registerIpcHandlers(ipcMain as never, services, () => true);
    const ok = await handlers.get('studio:annotations.delete')!({}, { id: 7 });
    expect(ok).toEqual({ ok: true, value: { from: 'annotations.delete' } });
    expect(services['annotations.delete']).toHaveBeenCalledWith({ id: 7 });
    const bad = (await handlers.get('studio:annotations.delete')!({}, { id: 'seven' })) as { ok: boolean };
    expect(bad.ok).toBe(false);
    expect(services['annotations.delete']).toHaveBeenCalledTimes(1);
  });

  it('refuses a call from a sender that is not the app window', async () => {
    const { handlers, ipcMain } = fakeIpc();
    const services = fakeHandlers();
    registerIpcHandlers(ipcMain as never, services, () => false);
    const r = (await handlers.get('studio:project.info')!({}, {})) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('unauthorized');
    expect(r.error.message).toMatch(/not the app window/);
    expect(services['project.info']).not.toHaveBeenCalled();
  });
});
