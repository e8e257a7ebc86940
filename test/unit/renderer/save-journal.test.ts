import { afterEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../../src/shared/api/methods';
import { IdempotencyRecord } from '../../../src/main/services/api/idempotency';
import type { RawCall } from '../../../src/renderer/src/api/typed';
import { Editor } from '../../../src/renderer/src/features/annotate/core/editor';
import { editorOnRealStore } from './editor-harness';

// The save queue's offline journal and idempotency keys, against the real handlers on a real project: what a page
// queued while offline is a plain-data snapshot that a fresh page (a reload) replays in order, and a write whose
// answer was lost is retried under its key and stored once.
const offline: CallResult<unknown> = { ok: false, error: { code: 'offline', message: 'offline: test' } };
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

/** A link with a server-side idempotency record; `down` answers offline without running, `loseNext` runs and drops the answer. */
function flakyLink() {
  const record = new IdempotencyRecord();
  const state = { down: false, loseNext: 0, keys: [] as string[] };
  const link =
    (call: RawCall): RawCall =>
    async (m, a, o) => {
      if (state.down) return offline;
      if (o?.key) state.keys.push(o.key);
      const r = await record.run('project', o?.key, () => call(m, a));
      if (state.loseNext > 0) {
        state.loseNext--;
        return offline;
      }
      return r;
    };
  return { link, state };
}

describe('the offline journal', () => {
  it('a box drawn and moved while offline replays from the snapshot in a fresh page, stored once as moved', async () => {
    const { link, state } = flakyLink();
    const h = await editorOnRealStore(2, link);
    cleanup = h.cleanup;
    const img = h.ids[0]!;
    const before = h.stored(img);
    const cls = h.ed.doc.classes[0]!.id;
    state.down = true;
    const b = h.ed.drawBox(img, { x: 10, y: 10, w: 30, h: 20 }, cls)!;
    h.ed.moveBox(img, b.key, { x: 40, y: 12, w: 30, h: 20 });
    const snap = h.ed.queue.snapshot();
    expect(snap.ops.map((o) => o.kind)).toEqual(['create', 'update']);
    expect(snap.ops.every((o) => typeof o.idem === 'string' && o.idem.length >= 8)).toBe(true);
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap); // plain data: IndexedDB keeps it as it is

    // The page is reloaded: a new editor on the same store replays the journal, the server is back.
    const reloaded = new Editor(h.ed.api, { retryDelayMs: () => 5 });
    state.down = false;
    reloaded.queue.restore(snap);
    await reloaded.queue.idle();
    expect(h.stored(img)).toEqual(
      [...before, { x: 40, y: 12, w: 30, h: 20, classId: cls, state: 'accepted' }].sort(
        (p, q) => p.x - q.x || p.y - q.y,
      ),
    );
    expect(reloaded.queue.snapshot().ops).toEqual([]);
    // Replayed under the keys the first page gave them.
    expect(state.keys).toEqual(snap.ops.map((o) => o.idem));
  });

  it('a create whose answer was lost is retried under the same key and stored once', async () => {
    const { link, state } = flakyLink();
    const h = await editorOnRealStore(2, link);
    cleanup = h.cleanup;
    const img = h.ids[1]!;
    const n = h.stored(img).length;
    state.loseNext = 1;
    h.ed.drawBox(img, { x: 5, y: 5, w: 25, h: 25 }, h.ed.doc.classes[0]!.id);
    await h.ed.queue.idle();
    expect(state.keys.length).toBe(2);
    expect(state.keys[0]).toBe(state.keys[1]);
    expect(h.stored(img).length).toBe(n + 1);
  });
});
