import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { toApiError } from '../../../src/main/services/api/errors';
import { API_ERROR_CODES, isRetryable } from '../../../src/shared/api/errors';
import { NoProjectError, UserError } from '../../../src/shared/errors';

describe('API error codes', () => {
  it('are the eight of the contract, and only offline, timeout and busy are worth retrying', () => {
    expect(API_ERROR_CODES.sort()).toEqual(
      ['busy', 'internal', 'invalid-args', 'no-project', 'offline', 'timeout', 'unauthorized', 'user'].sort(),
    );
    expect(API_ERROR_CODES.filter(isRetryable).sort()).toEqual(['busy', 'offline', 'timeout']);
    expect(isRetryable(undefined)).toBe(false);
    expect(isRetryable('toString')).toBe(false);
  });

  it('come from the type of what was thrown, never from its message', () => {
    expect(toApiError(new NoProjectError()).code).toBe('no-project');
    // A user error that happens to mention an unopened project is still a plain user error.
    expect(toApiError(new UserError('no project is open in /x')).code).toBe('user');
    expect(toApiError(new UserError('bad file', '/a.json'))).toEqual({
      code: 'user',
      message: 'bad file',
      file: '/a.json',
    });
    const zod = z.object({ n: z.number() }).safeParse({ n: 'x' });
    expect(toApiError(zod.error).code).toBe('invalid-args');
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(toApiError(busy).code).toBe('busy');
    expect(toApiError(new TypeError('x is undefined'))).toEqual({
      code: 'internal',
      message: 'internal error: x is undefined',
    });
  });
});
