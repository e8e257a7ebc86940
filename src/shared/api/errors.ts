// The one list of API error codes: what each means and whether trying the same call again can help; and the
// error a caller of the typed API (the page, the CLI) sees when a call fails.
import type { ApiErrorShape } from './contract';

/** Every code an API call can fail with, and whether a retry of the same call may succeed. */
export const API_ERRORS = {
  /** The arguments do not fit the method's schema (or the method does not exist). */
  'invalid-args': { retryable: false },
  /** The services refused for a reason a person can act on (bad file, duplicate name, too little data...). */
  user: { retryable: false },
  /** The call needs an open project and this session has none. */
  'no-project': { retryable: false },
  /** The caller may not call (wrong token, a frame that is not the app window). */
  unauthorized: { retryable: false },
  /** The link to the services is down (the call may or may not have run). */
  offline: { retryable: true },
  /** The services did not answer in time. */
  timeout: { retryable: true },
  /** The services are busy with something that must finish first. */
  busy: { retryable: true },
  /** A bug: the message says what failed; trying again gives the same. */
  internal: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

/** One of API_ERRORS' codes. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** Every code, as data (validation, tests). */
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

/** Whether a failure with this code may succeed when the same call is made again (unknown codes: no). */
export function isRetryable(code: string | undefined): boolean {
  return code !== undefined && Object.hasOwn(API_ERRORS, code) && API_ERRORS[code as ApiErrorCode].retryable;
}

/** Schema issues as one line a person reads: `field: what is wrong; other: ...` (the same from every door). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(args)'}: ${i.message}`).join('; ');
}

/** A failed call as its caller sees it: the code (API_ERRORS), the message, and the details that came with it. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly detail: Omit<ApiErrorShape, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The error as it came over the transport. */
  static from(shape: ApiErrorShape): ApiError {
    const { code, message, ...detail } = shape;
    return new ApiError(code, message, detail);
  }
}
