import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StudioServer } from '../../../src/main/server/server';
import { Project } from '../../../src/main/services/project/project';
import { type SocketLike, WsTransport } from '../../../src/renderer/src/api/ws-transport';
import { makeTmpDir } from '../../helpers/tmp';
import { serveTwoSampleProjects } from './helpers';

// Idempotency keys over a real `ridge serve` server: a write sent again under the same key (its answer was lost,
// or a reloaded page replays its offline journal) is answered with the first result and stored once, also from
// another session on the same project; a key is scoped to its project.
const tmp = makeTmpDir('ridge-idem-');
let one: string;
let two: string;
let server: StudioServer;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ one, two, server, close: stop } = await serveTwoSampleProjects(tmp.dir));
});
afterAll(async () => {
  await stop();
  tmp.cleanup();
});

function tab(): WsTransport {
  const m = new Map<string, string>();
  return new WsTransport(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`, {
    connect: (u) => new WebSocket(u) as unknown as SocketLike,
    store: { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) },
  });
}

async function value<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

function boxesOn(dir: string, imageId: number): number {
  const p = Project.open(dir);
  try {
    return p.annotations.forImage(imageId).length;
  } finally {
    p.close();
  }
}

describe('idempotency keys on writes', () => {
  it('a create sent twice under one key is stored once, from this session or another on the project', async () => {
    const a = tab();
    const b = tab();
    await value(a.call('project.open', { dir: one }));
    await value(b.call('project.open', { dir: one }));
    const [cls] = await value<{ id: number }[]>(a.call('classes.list', {}));
    const img = (await value<{ items: { id: number }[] }>(a.call('images.page', {}))).items[0]!;
    const before = boxesOn(one, img.id);
    const args = { imageId: img.id, classId: cls!.id, x: 3, y: 3, w: 9, h: 9 };
    const first = await value<{ id: number }>(a.call('annotations.create', args, { key: 'key-create-0001' }));
    const again = await value<{ id: number }>(a.call('annotations.create', args, { key: 'key-create-0001' }));
    const replay = await value<{ id: number }>(
      b.call('annotations.create', args, { key: 'key-create-0001' }),
    );
    expect(again.id).toBe(first.id);
    expect(replay.id).toBe(first.id);
    expect(boxesOn(one, img.id)).toBe(before + 1);
    // Without a key (or with another) the same arguments are a second box, as before.
    await value(a.call('annotations.create', args, { key: 'key-create-0002' }));
    await value(a.call('annotations.create', args));
    expect(boxesOn(one, img.id)).toBe(before + 3);
  });

  it('a key is scoped to its project: the same key in another project runs there', async () => {
    const a = tab();
    await value(a.call('project.open', { dir: two }));
    const [cls] = await value<{ id: number }[]>(a.call('classes.list', {}));
    const img = (await value<{ items: { id: number }[] }>(a.call('images.page', {}))).items[0]!;
    const before = boxesOn(two, img.id);
    const args = { imageId: img.id, classId: cls!.id, x: 5, y: 5, w: 9, h: 9 };
    await value(a.call('annotations.create', args, { key: 'key-create-0001' }));
    expect(boxesOn(two, img.id)).toBe(before + 1);
  });

  it('a refused call is answered the same again; the refusal is not turned into a success', async () => {
    const a = tab();
    await value(a.call('project.open', { dir: one }));
    const bad = { imageId: 999_999, classId: 1, x: 1, y: 1, w: 2, h: 2 };
    const r1 = await a.call('annotations.create', bad, { key: 'key-refused-01' });
    const r2 = await a.call('annotations.create', bad, { key: 'key-refused-01' });
    expect(r1.ok).toBe(false);
    expect(r2).toEqual(r1);
  });
});
