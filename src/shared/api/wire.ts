// The contract over a WebSocket (`ridge serve`): what the page and the server send each other.
import type { EventMap } from './contract';
import type { CallResult } from './methods';

/** Query parameter the page names its session with when it (re)connects. */
export const SESSION_PARAM = 'session';

/** A call the page sends: numbered, so results can come back in any order. */
export interface WireCall {
  t: 'call';
  id: number;
  method: string;
  args?: unknown;
}

/** What the server sends: first a hello naming the session, then results, keep-alives and pushed events. */
export type WireServerMessage =
  /** The session this connection works in; `resumed` is false when the session the page named is gone. */
  | { t: 'hello'; session: string; resumed: boolean }
  | { t: 'result'; id: number; result: CallResult<unknown> }
  /** A call is still being worked on (sent every few seconds while it runs). */
  | { t: 'working'; id: number }
  | { t: 'event'; event: keyof EventMap; payload: unknown };
