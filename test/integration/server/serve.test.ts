import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioServer } from '../../../src/main/server/server';
import { METHOD_NAMES } from '../../../src/shared/api/methods';
import { makeTmpDir } from '../../helpers/tmp';
import { rawGet, sampleProjects, startTestServer, wsCall, wsConnect } from './helpers';

const tmp = makeTmpDir('ridge-serve-');
let server: StudioServer;
let stop: () => Promise<void>;
let port: number;
let token: string;
/** A tab's session, for the HTTP requests that carry bytes of its project. */
let sid: string;

beforeAll(async () => {
  const web = path.join(tmp.dir, 'web');
  mkdirSync(web);
  writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>Ridge Studio</title>');
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'not for the browser');
  await sampleProjects([{ dir: path.join(tmp.dir, 'served'), images: 4, seed: 1 }]);
  const started = await startTestServer({ staticDir: web, startDir: path.join(tmp.dir, 'served') });
  server = started.server;
  stop = started.close;
  port = server.port;
  token = server.token;
  const tab = await wsConnect(port, `?token=${token}`);
  sid = tab.hello!.session;
});
afterAll(async () => {
  await stop();
  tmp.cleanup();
});

describe('ridge serve: HTTP refusals', () => {
  it('prints a URL with a random token and answers health only with it', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?token=[A-Za-z0-9_-]{20,}$`));
    expect((await rawGet(port, `/api/health?token=${token}`)).body.toString()).toBe('{"ok":true}');
    expect((await rawGet(port, '/api/health', { Authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await rawGet(port, '/api/health')).status).toBe(401);
    expect((await rawGet(port, '/api/health?token=wrong')).status).toBe(401);
    expect((await rawGet(port, '/api/health', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await rawGet(port, '/api/images/1/file')).status).toBe(401);
  });

  it('refuses a foreign Origin or Host with 403, even with the token', async () => {
    const q = `/api/health?token=${token}`;
    expect((await rawGet(port, q, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawGet(port, q, { Origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await rawGet(port, q, { Host: 'evil.example' })).status).toBe(403);
    expect((await rawGet(port, q, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawGet(port, '/', { Host: 'rebind.example' })).status).toBe(403);
    expect((await rawGet(port, q, { Host: `localhost:${port}` })).status).toBe(200);
  });

  it('serves the bundle without a token but nothing outside it', async () => {
    const r = await rawGet(port, '/');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toContain('Ridge Studio');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await rawGet(port, '/../secret.txt')).body.toString()).not.toContain('not for the browser');
    expect((await rawGet(port, '/%2e%2e/secret.txt')).body.toString()).not.toContain('not for the browser');
  });
});

describe('ridge serve: images, upload, export', () => {
  it('serves image bytes and a WebP thumbnail with the token', async () => {
    const file = await rawGet(port, `/api/images/1/file?token=${token}&session=${sid}`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/jpeg');
    expect(file.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const thumb = await rawGet(port, `/api/images/1/thumb?size=64&token=${token}&session=${sid}`);
    expect(thumb.status).toBe(200);
    expect(thumb.body.subarray(8, 12).toString()).toBe('WEBP');
    expect((await rawGet(port, `/api/images/999/file?token=${token}&session=${sid}`)).status).toBe(400);
    // Bytes belong to a tab's project: a request that names no live session gets none.
    const orphan = await rawGet(port, `/api/images/1/file?token=${token}`);
    expect(orphan.status).toBe(409);
    expect(JSON.parse(orphan.body.toString())).toMatchObject({ code: 'no-project' });
  });

  it('takes an upload into the project staging folder, refusing paths that climb out', async () => {
    const body = Buffer.from('hello');
    const bad = await rawGet(
      port,
      `/api/upload?batch=b1&path=../../x.txt&token=${token}&session=${sid}`,
      {},
      'POST',
      body,
    );
    expect(bad.status).toBe(400);
    const ok = await rawGet(
      port,
      `/api/upload?batch=b1&path=sub/a.txt&token=${token}&session=${sid}`,
      {},
      'POST',
      body,
    );
    expect(ok.status).toBe(200);
    const r = JSON.parse(ok.body.toString()) as { dir: string; file: string };
    expect(r.file).toBe(path.join(tmp.dir, 'served', '.staging', 'b1', 'sub', 'a.txt'));
    expect(
      (await rawGet(port, `/api/upload?batch=b1&token=${token}&session=${sid}`, {}, 'DELETE')).status,
    ).toBe(200);
  });

  it('downloads an export as a tar archive', async () => {
    const r = await rawGet(port, `/api/export?format=yolo&token=${token}&session=${sid}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-tar');
    expect(r.body.subarray(257, 262).toString()).toBe('ustar');
    expect(r.body.length % 512).toBe(0);
    expect(r.body.toString('latin1')).toContain('data.yaml');
  });
});

describe('ridge serve: the contract over WebSocket', () => {
  it('refuses an upgrade without the token (401) or from a foreign Origin (403)', async () => {
    expect((await wsConnect(port, '')).status).toBe(401);
    expect((await wsConnect(port, '?token=nope')).status).toBe(401);
    expect((await wsConnect(port, `?token=${token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('runs calls through dispatch: results, typed errors, refused arguments', async () => {
    const { ws } = await wsConnect(port, `?token=${token}`);
    const info = await wsCall(ws!, 'project.info', {});
    expect(info).toMatchObject({ ok: true, value: { name: 'served' } });
    const bad = await wsCall(ws!, 'annotations.delete', { id: 'seven' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
    const unknown = await wsCall(ws!, 'fs.readFile', { path: '/etc/passwd' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-args' } });
    const counts = await wsCall(ws!, 'images.counts', {});
    expect(counts).toMatchObject({ ok: true, value: { all: 4 } });
    ws!.close();
  });

  it('reaches a handler for every contract method (the IPC test proves the same for Electron)', async () => {
    // A tab that names a session the server does not know starts with no project: every method then gets an
    // answer from its handler (no-project, or a user error for opening what is no project), never "unknown".
    const { ws, hello } = await wsConnect(port, `?token=${token}&session=${'x'.repeat(22)}`);
    expect(hello).toMatchObject({ resumed: false });
    const sample: Record<string, unknown> = {
      'project.create': { dir: path.join(tmp.dir, 'secret.txt') },
      'project.open': { dir: path.join(tmp.dir, 'missing') },
      'classes.create': { name: 'a' },
      'classes.update': { id: 1 },
      'classes.delete': { id: 1 },
      'classes.merge': { fromId: 1, toId: 2 },
      'images.get': { id: 1 },
      'images.setStatus': { id: 1, status: 'reviewed' },
      'annotations.create': { imageId: 1, classId: 1, x: 0, y: 0, w: 1, h: 1 },
      'annotations.update': { id: 1 },
      'annotations.delete': { id: 1 },
      'datasets.import': { format: 'coco', from: '/tmp/x' },
      'datasets.export': { format: 'coco', to: '/tmp/y' },
      'runs.epochs': { runId: 'r' },
      'annotations.forClass': { classId: 1 },
      'annotations.createMany': { items: [] },
      'annotations.setClassMany': { ids: [1], classId: 2 },
      'runs.start': { configs: [{}] },
      'runs.startCompare': { arms: [{ reg: 'none' }], seeds: 1 },
      'runs.cancel': { runId: 'r' },
      'runs.resume': { runId: 'r' },
      'runs.rename': { runId: 'r', name: 'x' },
      'runs.delete': { runIds: ['r'] },
      'runs.compare': { runIds: ['r'] },
      'runs.testEval': { runId: 'r' },
      'runs.robustness': { runId: 'r' },
      'runs.saliency': { runId: 'r', imageId: 1 },
      'studies.show': { studyId: 's' },
      'studies.cancel': { studyId: 's' },
      'studies.delete': { studyId: 's' },
      'studies.resume': { studyId: 's' },
      'runs.predict': { runId: 'r', images: '/tmp/x' },
      'labeling.prelabel': { runId: 'r', scoreThreshold: 0.5 },
      'images.byIds': { ids: [1] },
      'images.setSplit': { ids: [1], split: 'val' },
      'images.remove': { ids: [1] },
      'images.restore': { ids: [1] },
    };
    for (const m of METHOD_NAMES) {
      const r = await wsCall(ws!, m, sample[m] ?? {});
      const expected = m === 'project.create' || m === 'project.open' ? 'user' : 'no-project';
      expect(r, m).toMatchObject({ ok: false, error: { code: expected } });
    }
    ws!.close();
  });
});
