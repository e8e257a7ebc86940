import type { ApiErrorShape, StudioApi } from '../../../shared/api/contract';
import { type ApiErrorCode, isRetryable } from '../../../shared/api/errors';
import type { CallResult } from '../../../shared/api/methods';

/** A failed call, with the code (API_ERRORS) that tells a person's mistake from a bug or a lost link. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly detail: Omit<ApiErrorShape, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Whether the same call may succeed when made again (offline, timeout, busy). */
  get retryable(): boolean {
    return isRetryable(this.code);
  }
}

/** A transport's raw call: method and arguments in, a CallResult out (never throws). */
export type RawCall = (method: string, args: unknown) => Promise<CallResult<unknown>>;

/** Turn a raw `CallResult` transport into the typed API (errors become ApiError). */
export function typedApi(call: RawCall): StudioApi {
  return new Proxy({} as StudioApi, {
    get: (_t, method: string) => async (args: unknown) => {
      const r = await call(method, args ?? {});
      if (!r.ok) {
        const { code, message, ...detail } = r.error;
        throw new ApiError(code, message, detail);
      }
      return r.value;
    },
  });
}
