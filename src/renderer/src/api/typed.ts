import type { StudioApi } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { CallResult } from '../../../shared/api/methods';

/** A transport's raw call: method and arguments in, a CallResult out (never throws). */
export type RawCall = (method: string, args: unknown) => Promise<CallResult<unknown>>;

/** Turn a raw `CallResult` transport into the typed API (errors become the shared ApiError). */
export function typedApi(call: RawCall): StudioApi {
  return new Proxy({} as StudioApi, {
    get: (_t, method: string) => async (args: unknown) => {
      const r = await call(method, args ?? {});
      if (!r.ok) throw ApiError.from(r.error);
      return r.value;
    },
  });
}
