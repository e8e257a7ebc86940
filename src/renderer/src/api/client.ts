import type { StudioApi } from '../../../shared/api/contract';
import type { CallResult } from '../../../shared/api/methods';

/** Inside Electron the preload puts the API on window.studio; elsewhere (a browser on `ridge serve`) it is absent. */
export function electronApi(): StudioApi | null {
  const w = window as unknown as { studio?: Record<string, (a: unknown) => Promise<CallResult<unknown>>> };
  if (!w.studio) return null;
  const raw = w.studio;
  return new Proxy({} as StudioApi, {
    get: (_t, method: string) => async (args: unknown) => {
      const r = await raw[method]!(args);
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
  });
}
