import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { StudioServer } from '../../../src/main/server/server';
import { Project } from '../../../src/main/services/project/project';
import { type SessionStore, type SocketLike, WsTransport } from '../../../src/renderer/src/api/ws-transport';
import { sampleProjects, startTestServer } from './helpers';
import { makeTmpDir } from '../../helpers/tmp';

// The page's transport against a real `ridge serve` server (the `ws` package stands in for the browser's
// WebSocket): a dropped link is reconnected with the tab's session id, so an edit made while offline lands in the
// project the tab had open, not in whatever another tab opened. Deadlines are checked with a scripted socket.
const tmp = makeTmpDir('ridge-transport-');
let server: StudioServer;
let stop: () => Promise<void>;
const one = path.join(tmp.dir, 'one');
const two = path.join(tmp.dir, 'two');

beforeAll(async () => {
  await sampleProjects([
    { dir: one, images: 2, seed: 1 },
    { dir: two, images: 2, seed: 2 },
  ]);
  const started = await startTestServer({ staticDir: tmp.dir });
  server = started.server;
  stop = started.close;
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
