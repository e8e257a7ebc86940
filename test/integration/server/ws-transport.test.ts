import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { StudioServer } from '../../../src/main/server/server';
import { Project } from '../../../src/main/services/project/project';
import { type SessionStore, type SocketLike, WsTransport } from '../../../src/renderer/src/api/ws-transport';
import { serveTwoSampleProjects } from './helpers';
import { makeTmpDir } from '../../helpers/tmp';

// The page's transport against a real `ridge serve` server (the `ws` package stands in for the browser's
// WebSocket): a dropped link is reconnected with the tab's session id, so an edit made while offline lands in the
// project the tab had open, not in whatever another tab opened. Deadlines are checked with a scripted socket.
// Idempotency keys: a write sent again under the same key (its answer was lost, or a reloaded page replays its
// offline journal) is answered with the first result and stored once, also from another session on the project;
// a key is scoped to its project.
const tmp = makeTmpDir('ridge-transport-');
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

function memoryStore(): SessionStore {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

/** A transport as one browser tab has it, with a handle on its current socket (to cut the link). */
function tab() {
  const sockets: WebSocket[] = [];
  const t = new WsTransport(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`, {
    connect: (u) => {
      const ws = new WebSocket(u);
      sockets.push(ws);
      return ws as unknown as SocketLike;
    },
    store: memoryStore(),
  });
  return { t, last: () => sockets.at(-1)! };
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

describe('the page transport and its session', () => {
  it('reconnects with its session id: an edit made while offline lands in this tab’s project', async () => {
    const a = tab();
    const b = tab();
    await ok(a.t.call('project.open', { dir: one }));
    await ok(b.t.call('project.open', { dir: two }));
    const session = a.t.sessionId;
    expect(session).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    const [cls] = await ok<{ id: number }[]>(a.t.call('classes.list', {}));
    const img = (await ok<{ items: { id: number }[] }>(a.t.call('images.page', {}))).items[0]!;

    a.last().terminate(); // the link drops
    await new Promise((r) => setTimeout(r, 20));
    const box = await ok<{ id: number }>(
      a.t.call('annotations.create', { imageId: img.id, classId: cls!.id, x: 1, y: 1, w: 4, h: 4 }),
    );
    expect(a.t.sessionId).toBe(session);
    expect(await ok<{ name: string }>(a.t.call('project.info', {}))).toMatchObject({ name: 'one' });
    const inOne = Project.open(one);
    const inTwo = Project.open(two);
    try {
      expect(inOne.annotations.byId(box.id)).toMatchObject({ imageId: img.id, x: 1, w: 4 });
      expect(inTwo.annotations.byId(box.id)?.x).not.toBe(1);
    } finally {
      inOne.close();
      inTwo.close();
    }
    a.last().close();
    b.last().close();
  });
});

describe('call deadlines', () => {
  /** A socket the test plays the server's side of. */
  class Scripted implements SocketLike {
    readyState = 0;
    onopen: ((e: unknown) => void) | null = null;
    onmessage: ((e: { data: unknown }) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    sent: { id: number; method: string }[] = [];
    send(data: string): void {
      this.sent.push(JSON.parse(data) as { id: number; method: string });
    }
    up(): void {
      this.readyState = 1;
      this.onopen?.({});
      this.push({ t: 'hello', session: 's'.repeat(20), resumed: false });
    }
    push(m: unknown): void {
      this.onmessage?.({ data: JSON.stringify(m) });
    }
  }

  it('a short call times out at its deadline; a long one waits while the server says it is working', async () => {
    vi.useFakeTimers();
    try {
      const sock = new Scripted();
      const t = new WsTransport('ws://x/api/ws?token=t', { connect: () => sock, store: memoryStore() });
      sock.up();
      const short = t.call('classes.list', {});
      const long = t.call('datasets.import', { format: 'images', from: '/x' });
      for (let s = 0; s < 12; s++) {
        await vi.advanceTimersByTimeAsync(5_000);
        sock.push({ t: 'working', id: sock.sent[1]!.id });
      }
      await expect(short).resolves.toMatchObject({ ok: false, error: { code: 'timeout' } });
      sock.push({ t: 'result', id: sock.sent[1]!.id, result: { ok: true, value: 'imported' } });
      await expect(long).resolves.toEqual({ ok: true, value: 'imported' });
      // Silence: the long call too gives up, as a timeout (retryable), after 30 s without a word.
      const silent = t.call('datasets.import', { format: 'images', from: '/x' });
      await vi.advanceTimersByTimeAsync(31_000);
      await expect(silent).resolves.toMatchObject({ ok: false, error: { code: 'timeout' } });
      // A dropped link fails the call in flight as offline.
      const inFlight = t.call('classes.list', {});
      sock.readyState = 3;
      sock.onclose?.({});
      await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'offline' } });
    } finally {
      vi.useRealTimers();
    }
  });
});

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
    const a = tab().t;
    const b = tab().t;
    await ok(a.call('project.open', { dir: one }));
    await ok(b.call('project.open', { dir: one }));
    const [cls] = await ok<{ id: number }[]>(a.call('classes.list', {}));
    const img = (await ok<{ items: { id: number }[] }>(a.call('images.page', {}))).items[0]!;
    const before = boxesOn(one, img.id);
    const args = { imageId: img.id, classId: cls!.id, x: 3, y: 3, w: 9, h: 9 };
    const first = await ok<{ id: number }>(a.call('annotations.create', args, { key: 'key-create-0001' }));
    const again = await ok<{ id: number }>(a.call('annotations.create', args, { key: 'key-create-0001' }));
    const replay = await ok<{ id: number }>(b.call('annotations.create', args, { key: 'key-create-0001' }));
    expect(again.id).toBe(first.id);
    expect(replay.id).toBe(first.id);
    expect(boxesOn(one, img.id)).toBe(before + 1);
    // Without a key (or with another) the same arguments are a second box, as before.
    await ok(a.call('annotations.create', args, { key: 'key-create-0002' }));
    await ok(a.call('annotations.create', args));
    expect(boxesOn(one, img.id)).toBe(before + 3);
  });

  it('a key is scoped to its project: the same key in another project runs there', async () => {
    const a = tab().t;
    await ok(a.call('project.open', { dir: two }));
    const [cls] = await ok<{ id: number }[]>(a.call('classes.list', {}));
    const img = (await ok<{ items: { id: number }[] }>(a.call('images.page', {}))).items[0]!;
    const before = boxesOn(two, img.id);
    const args = { imageId: img.id, classId: cls!.id, x: 5, y: 5, w: 9, h: 9 };
    await ok(a.call('annotations.create', args, { key: 'key-create-0001' }));
    expect(boxesOn(two, img.id)).toBe(before + 1);
  });

  it('a refused call is answered the same again; the refusal is not turned into a success', async () => {
    const a = tab().t;
    await ok(a.call('project.open', { dir: one }));
    const bad = { imageId: 999_999, classId: 1, x: 1, y: 1, w: 2, h: 2 };
    const r1 = await a.call('annotations.create', bad, { key: 'key-refused-01' });
    const r2 = await a.call('annotations.create', bad, { key: 'key-refused-01' });
    expect(r1.ok).toBe(false);
    expect(r2).toEqual(r1);
  });
});
