import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioServer } from '../../../src/main/server/server';
import { standInQueue } from '../../helpers/studio';
import { makeTmpDir } from '../../helpers/tmp';
import { rawGet, sampleProjects, startTestServer, wsCall, wsConnect } from './helpers';

// `ridge serve` keeps one session per connection: each tab has its own open project, run events go only to the
// tabs on that project, tabs on one project share its one run queue, and a reconnecting tab resumes its session.
const tmp = makeTmpDir('ridge-sessions-');
let server: StudioServer;
let stop: () => Promise<void>;
let port: number;
let q: string;
const one = path.join(tmp.dir, 'one');
const two = path.join(tmp.dir, 'two');

beforeAll(async () => {
  await sampleProjects([
    { dir: one, images: 20, seed: 2 },
    { dir: two, images: 3, seed: 2 },
  ]);
  const started = await startTestServer({
    staticDir: tmp.dir,
    queue: standInQueue('ok', { heartbeatMs: 100 }),
    sessionGraceMs: 60_000,
  });
  server = started.server;
  stop = started.close;
  port = server.port;
  q = `?token=${server.token}`;
}, 60_000);
afterAll(async () => {
  await stop();
  tmp.cleanup();
});

const name = async (ws: Parameters<typeof wsCall>[0]) =>
  ((await wsCall(ws, 'project.info', {})).value as { name: string } | undefined)?.name;

describe('one session per connection', () => {
  it('a project opened in one tab never changes another; bytes come from each tab’s own project', async () => {
    const a = await wsConnect(port, q);
    const b = await wsConnect(port, q);
    expect(a.hello!.session).not.toBe(b.hello!.session);
    expect(await wsCall(a.ws!, 'project.info', {})).toMatchObject({
      ok: false,
      error: { code: 'no-project' },
    });
    await wsCall(a.ws!, 'project.open', { dir: one });
    await wsCall(b.ws!, 'project.open', { dir: two });
    expect(await name(a.ws!)).toBe('one');
    expect(await name(b.ws!)).toBe('two');
    expect(a.events.filter((e) => e.event === 'project.changed')).toEqual([]);
    const count = async (ws: Parameters<typeof wsCall>[0]) =>
      ((await wsCall(ws, 'images.counts', {})).value as { all: number }).all;
    expect([await count(a.ws!), await count(b.ws!)]).toEqual([20, 3]);
    const thumbs = await Promise.all(
      [a, b].map((t) => rawGet(port, `/api/images/4/file${q}&session=${t.hello!.session}`)),
    );
    expect(thumbs.map((t) => t.status)).toEqual([200, 400]); // project two has 3 images
    a.ws!.close();
    b.ws!.close();
  });

  it('tabs on one project share its run queue and hear its runs; a tab on another project hears none', async () => {
    const a = await wsConnect(port, q);
    const b = await wsConnect(port, q);
    const c = await wsConnect(port, q);
    await wsCall(a.ws!, 'project.open', { dir: one });
    await wsCall(b.ws!, 'project.open', { dir: one });
    await wsCall(c.ws!, 'project.open', { dir: two });
    const started = await wsCall(a.ws!, 'runs.start', { configs: [{ epochs: 2 }, { epochs: 2, seed: 1 }] });
    expect(started.ok).toBe(true);
    const ids = (started.value as { runIds: string[] }).runIds;
    const queueOfB = (await wsCall(b.ws!, 'runs.queue', {})).value as {
      running: string | null;
      queued: string[];
    };
    expect([queueOfB.running, ...queueOfB.queued].filter(Boolean)).toEqual(ids);
    const ended = (t: typeof a) => t.events.filter((e) => e.event === 'run.ended').map((e) => e.payload);
    for (let i = 0; i < 200 && ended(b).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(ended(a)).toEqual(ended(b));
    expect(ended(b).map((e) => (e as { runId: string }).runId)).toEqual(ids);
    expect(c.events.filter((e) => e.event.startsWith('run'))).toEqual([]);
    for (const t of [a, b, c]) t.ws!.close();
  });

  it('a reconnecting tab names its session and resumes it, open project included; an unknown one gets none', async () => {
    const a = await wsConnect(port, q);
    await wsCall(a.ws!, 'project.open', { dir: two });
    a.ws!.close();
    await new Promise((r) => setTimeout(r, 50));
    const again = await wsConnect(port, `${q}&session=${a.hello!.session}`);
    expect(again.hello).toEqual({ t: 'hello', session: a.hello!.session, resumed: true });
    expect(await name(again.ws!)).toBe('two');
    // A duplicated tab (same stored id while the first is connected) gets its own session on the same project.
    const dup = await wsConnect(port, `${q}&session=${a.hello!.session}`);
    expect(dup.hello!.session).not.toBe(a.hello!.session);
    expect(await name(dup.ws!)).toBe('two');
    await wsCall(dup.ws!, 'project.open', { dir: one });
    expect(await name(again.ws!)).toBe('two');
    // The server forgot the session (restart, expiry): no project, so queued writes cannot land elsewhere.
    const stale = await wsConnect(port, `${q}&session=${'z'.repeat(22)}`);
    expect(stale.hello!.resumed).toBe(false);
    const write = await wsCall(stale.ws!, 'annotations.delete', { id: 1 });
    expect(write).toMatchObject({ ok: false, error: { code: 'no-project' } });
    for (const t of [again, dup, stale]) t.ws!.close();
  });
});
