// What the pre-label card says when its call fails. A dropped link is not a failed pass: the pass runs in the
// server and stores its boxes in one transaction at the end, so the person needs to know what may have happened
// and that pressing again is safe.
import { ApiError } from '../../../../shared/api/errors';

/** The card's line for a failed pre-label call: the server's own words, or what a dropped link means. */
export function prelabelFailureMessage(e: unknown): string {
  if (e instanceof ApiError && e.code === 'offline')
    return (
      'The link to the server dropped before the pass answered. If the server kept running, the pass finishes ' +
      'there and its pending boxes show in Annotate; if the server stopped, the pass stored nothing. Press again ' +
      'once the studio is back online: images that already have pending boxes are skipped.'
    );
  return e instanceof Error ? e.message : String(e);
}
