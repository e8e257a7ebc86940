import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServeDoor, type ServeDoor } from '../../../src/main/server/door';
import { isRetryable } from '../../../src/shared/api/errors';
import { holdLock } from '../../helpers/lock-holder';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';
import { sampleProjects, wsCall, wsConnect } from './helpers';

// Issue 15: during a long CLI write the server blocked on SQLite's lock (WebSocket edits stalled up to 10 s) and
// then failed an edit with "internal error: database is locked". Here another process holds the write lock the
// way a CLI writer does; serve's reads keep answering and a write waits asynchronously: it lands once the lock is
// free, or fails with the retryable code 'busy' after its wait (1.5 s here; 5 s in ridge serve).

const tmp = makeTmpDir('ridge-write-queue-');
const dir = path.join(tmp.dir, 'served');
let door: ServeDoor;
let ws: NonNullable<Awaited<ReturnType<typeof wsConnect>>['ws']>;

const box = { imageId: 1, classId: 1, x: 1, y: 1, w: 5, h: 5 };

beforeAll(async () => {
  mkdirSync(path.join(tmp.dir, 'web'));
  await sampleProjects([{ dir, images: 3, seed: 11 }]);
  door = await openServeDoor({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    staticDir: path.join(tmp.dir, 'web'),
    dir,
    trainerEntry: STANDIN_TRAINER,
    writeWaitMs: 1500,
  });
  ws = (await wsConnect(door.server.port, `?token=${door.server.token}`)).ws!;
});
afterAll(async () => {
  ws.close();
  await door.close();
  tmp.cleanup();
});

async function boxCount(): Promise<number> {
  return ((await wsCall(ws, 'project.stats', {})).value as { annotations: number }).annotations;
}

describe('ridge serve beside another process holding the write lock (issue 15)', () => {
  it('answers reads while a write waits, then fails the write as retryable busy, with nothing written', async () => {
    const before = await boxCount();
    const lock = await holdLock(path.join(dir, 'project.ridge'));
    const order: string[] = [];
    const write = wsCall(ws, 'annotations.create', box).then((r) => (order.push('write'), r));
    const read = wsCall(ws, 'images.counts', {}).then((r) => (order.push('read'), r));
    expect((await read).ok).toBe(true);
    const r = await write;
    expect(order).toEqual(['read', 'write']); // the read did not wait behind the locked write
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('busy');
    expect(isRetryable(r.error!.code)).toBe(true);
    expect(r.error!.message).toMatch(
      /^the project is locked by another writer .*waited \d\.\d s, nothing was written; try again$/,
    );
    expect(r.error!.message).not.toMatch(/database is locked|internal/);
    await lock.release();
    expect(await boxCount()).toBe(before);
  });

  it('a write that waits lands once the lock is free, and queued writes keep their order', async () => {
    const before = await boxCount();
    const lock = await holdLock(path.join(dir, 'project.ridge'));
    const first = wsCall(ws, 'classes.create', { name: 'first' });
    const second = wsCall(ws, 'classes.create', { name: 'second' });
    const edit = wsCall(ws, 'annotations.create', box);
    expect((await wsCall(ws, 'project.info', {})).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    await lock.release();
    const [a, b, c] = await Promise.all([first, second, edit]);
    expect([a.ok, b.ok, c.ok]).toEqual([true, true, true]);
    const ids = [a, b].map((x) => (x.value as { id: number }).id);
    expect(ids[0]).toBeLessThan(ids[1]!);
    expect(await boxCount()).toBe(before + 1);
  });
});
