import { isRetryable } from '../../../shared/api/errors';
import type { CallResult } from '../../../shared/api/methods';

/** How many answered keys one scope (a project) remembers; the oldest are forgotten first. */
export const IDEMPOTENCY_KEYS_PER_SCOPE = 5_000;

/** A key the page may send with a call: its own random id, nothing that reaches a path or a query. */
const KEY = /^[A-Za-z0-9_-]{8,80}$/;

/**
 * The answers of calls sent with an idempotency key, per scope (the project folder the call worked in): the same
 * key again within a scope gets the first answer instead of running the call a second time, so a create the page
 * retries (its answer was lost with the link, or the page replays its offline journal after a reload) never
 * creates twice. A call still running answers its repeat when it ends. Answers that say "try again" (offline,
 * busy, timeout) are not kept: the repeat runs. Kept in memory: a restarted server forgets them (see README).
 */
export class IdempotencyRecord {
  private readonly scopes = new Map<string, Map<string, Promise<CallResult<unknown>>>>();

  constructor(private readonly perScope = IDEMPOTENCY_KEYS_PER_SCOPE) {}

  /** Run `call` once per (scope, key); without a key (or a malformed one) it simply runs. */
  run(
    scope: string | null,
    key: string | undefined,
    call: () => Promise<CallResult<unknown>>,
  ): Promise<CallResult<unknown>> {
    if (scope === null || key === undefined || !KEY.test(key)) return call();
    let answers = this.scopes.get(scope);
    if (!answers) this.scopes.set(scope, (answers = new Map()));
    const known = answers.get(key);
    if (known) return known;
    const started = call().then((r) => {
      if (!r.ok && isRetryable(r.error.code)) answers.delete(key);
      return r;
    });
    answers.set(key, started);
    while (answers.size > this.perScope) answers.delete(answers.keys().next().value!);
    return started;
  }
}
