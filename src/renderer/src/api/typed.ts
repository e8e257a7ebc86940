import type { ApiErrorShape, StudioApi } from '../../../shared/api/contract';
import type { CallResult } from '../../../shared/api/methods';

/** An expected failure from the services, with the code that tells a person's mistake from a bug or a lost link. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'] | 'offline',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A transport's raw call: method and arguments in, a CallResult out (never throws). */
export type RawCall = (method: string, args: unknown) => Promise<CallResult<unknown>>;

/** Turn a raw `CallResult` transport into the typed API (errors become ApiError). */
export function typedApi(call: RawCall): StudioApi {
  return new Proxy({} as StudioApi, {
    get: (_t, method: string) => async (args: unknown) => {
      const r = await call(method, args ?? {});
      if (!r.ok) throw new ApiError(r.error.code, r.error.message);
      return r.value;
    },
  });
}
