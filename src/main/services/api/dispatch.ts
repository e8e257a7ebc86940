import type { CallResult } from '../../../shared/api/methods';
import { argSchemas, type MethodName } from '../../../shared/api/schemas';
import { toApiError } from './errors';
import { type Handlers, validateArgs } from './handlers';

/** Whether a string names a contract method (transports refuse anything else before validation). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(argSchemas, name);
}

/** Validate and run one call; never throws. Both transports (IPC, WebSocket) go through here. */
export async function dispatch(
  handlers: Handlers,
  method: string,
  rawArgs: unknown,
): Promise<CallResult<unknown>> {
  try {
    if (!isMethodName(method))
      return { ok: false, error: { code: 'invalid-args', message: `unknown method '${method}'` } };
    const args = validateArgs(method, rawArgs);
    const handler = handlers[method] as (a: unknown) => unknown;
    return { ok: true, value: await handler(args) };
  } catch (err) {
    return { ok: false, error: toApiError(err) };
  }
}
