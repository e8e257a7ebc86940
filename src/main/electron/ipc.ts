import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcChannel, METHOD_NAMES } from '../../shared/api/methods';
import { dispatch } from '../services/api/dispatch';
import type { Handlers } from '../services/api/handlers';

/** Decides whether an IPC message comes from our own window's top frame (not an iframe or a foreign page). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/** Register one `studio:<method>` handler per contract method; each checks the sender, then validates arguments. */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: Handlers,
  isTrusted: SenderCheck,
): void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannel(method), async (event, rawArgs: unknown) => {
      if (!isTrusted(event)) {
        return {
          ok: false,
          error: { code: 'unauthorized', message: `refused ${method}: the caller is not the app window` },
        };
      }
      return dispatch(handlers, method, rawArgs);
    });
  }
}
