import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServeDoor, type ServeDoor } from '../../../src/main/server/door';
import { writeImage } from '../../helpers/images';
import { STANDIN_TRAINER } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';
import { rawGet, sampleProjects, wsCall, wsConnect } from './helpers';

// Issue 15: a token holder reached beyond the project: a COCO import of any file echoed its first bytes, a linked
// import of any folder then served its images, project.create made folders anywhere, and --allow-remote turned the
// Host check off. Here serve is composed by its door, as `ridge serve` does.

const tmp = makeTmpDir('ridge-reach-');
const root = path.join(tmp.dir, 'root');
const served = path.join(root, 'served');
const outside = path.join(tmp.dir, 'outside');
const SECRET = 'root:x:0:0:SECRET-BYTES-4242:/root:/bin/bash';
const doors: ServeDoor[] = [];

async function door(o: Partial<Parameters<typeof openServeDoor>[0]> = {}) {
  const d = await openServeDoor({
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    staticDir: path.join(tmp.dir, 'web'),
    dir: served,
    trainerEntry: STANDIN_TRAINER,
    ...o,
  });
  doors.push(d);
  const tab = await wsConnect(d.server.port, `?token=${d.server.token}`);
  return { d, ws: tab.ws!, session: tab.hello!.session };
}

beforeAll(async () => {
  mkdirSync(path.join(tmp.dir, 'web'));
  mkdirSync(root);
  await sampleProjects([{ dir: served, images: 2, seed: 7 }]);
  await writeImage(path.join(outside, 'photos', 'private.jpg'), 40, 30, { seed: 1 });
  writeFileSync(path.join(outside, 'passwd'), `${SECRET}\n`);
  writeFileSync(path.join(root, 'not-coco.json'), `${SECRET}\n`);
  await writeImage(path.join(root, 'data', 'ok.jpg'), 40, 30, { seed: 2 });
  symlinkSync(path.join(outside, 'photos'), path.join(root, 'data-link'));
});
afterAll(async () => {
  for (const d of doors) await d.close();
  tmp.cleanup();
});

describe("ridge serve's file reach (issue 15)", () => {
  it("confines imports to the served project's parent by default, and never echoes a file's bytes", async () => {
    const { d, ws } = await door();
    expect(d.warnings.join('\n')).toContain(`data roots (imports, exports, projects over the API): ${root}`);
    const far = await wsCall(ws, 'datasets.import', { format: 'coco', from: path.join(outside, 'passwd') });
    expect(far.error).toMatchObject({ code: 'user' });
    expect(far.error!.message).toMatch(/is outside the folders ridge serve may reach .*--data-root/);
    expect(JSON.stringify(far)).not.toContain('SECRET-BYTES');
    // inside the root, a file that is not JSON: what is wrong and where, not what it says
    const bad = await wsCall(ws, 'datasets.import', {
      format: 'coco',
      from: path.join(root, 'not-coco.json'),
    });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain('malformed JSON at line 1, column 1: unexpected character');
    expect(JSON.stringify(bad)).not.toMatch(/SECRET|root:x/);
  });

  it('refuses a linked import of a folder outside, also through a symlink inside the root; a folder inside works', async () => {
    const { ws } = await door();
    const args = { format: 'images', split: 'train', link: true };
    const far = await wsCall(ws, 'datasets.import', { ...args, from: path.join(outside, 'photos') });
    expect(far.error?.message).toMatch(/import source .*outside the folders/);
    const viaLink = await wsCall(ws, 'datasets.import', { ...args, from: path.join(root, 'data-link') });
    expect(viaLink.error?.message).toContain(
      `${path.join(root, 'data-link')} (${path.join(outside, 'photos')})`,
    );
    const near = await wsCall(ws, 'datasets.import', { ...args, from: path.join(root, 'data') });
    expect(near).toMatchObject({ ok: true, value: { images: 1 } });
  });

  it('refuses project creation and exports outside the roots (nothing made there); --data-root widens them', async () => {
    const { ws } = await door();
    const made = path.join(outside, 'new-project');
    expect((await wsCall(ws, 'project.create', { dir: made })).error?.message).toMatch(
      /project folder .*outside/,
    );
    expect(existsSync(made)).toBe(false);
    const exp = await wsCall(ws, 'datasets.export', { format: 'coco', to: path.join(outside, 'export') });
    expect(exp.error?.message).toMatch(/export folder .*outside/);
    expect(existsSync(path.join(outside, 'export'))).toBe(false);
    const wide = await door({ dataRoots: [root, outside] });
    expect((await wsCall(wide.ws, 'project.create', { dir: made })).ok).toBe(true);
  });

  it('browser uploads still import when --data-root does not hold the project (its own folder is allowed)', async () => {
    const elsewhere = path.join(tmp.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const { d, ws, session } = await door({ dataRoots: [elsewhere] });
    const q = `token=${d.server.token}&session=${session}`;
    const bytes = await writeImage(path.join(tmp.dir, 'upload.jpg'), 40, 30, { seed: 9 });
    const up = await rawGet(d.server.port, `/api/upload?batch=b1&path=up/u.jpg&${q}`, {}, 'POST', bytes);
    expect(up.status).toBe(200);
    const { dir } = JSON.parse(up.body.toString()) as { dir: string };
    expect(
      await wsCall(ws, 'datasets.import', { format: 'images', from: dir, split: 'train' }),
    ).toMatchObject({
      ok: true,
      value: { images: 1 },
    });
    const far = await wsCall(ws, 'datasets.import', { format: 'images', from: path.join(root, 'data') });
    expect(far.error?.message).toMatch(/outside the folders ridge serve may reach \(.*elsewhere\)/);
  });

  it('--allow-remote keeps the Host check: the bound address and each --public-host, nothing else', async () => {
    const { d } = await door({ allowRemote: true, publicHosts: ['studio.example', 'gpu.example:9999'] });
    const p = d.server.port;
    const q = `/api/health?token=${d.server.token}`;
    expect((await rawGet(p, q, { Host: 'evil.example' })).status).toBe(403);
    expect((await rawGet(p, q, { Host: `evil.example:${p}` })).status).toBe(403);
    expect((await rawGet(p, q, { Host: `127.0.0.1:${p}` })).status).toBe(200);
    expect((await rawGet(p, q, { Host: `studio.example:${p}` })).status).toBe(200);
    expect((await rawGet(p, q, { Host: 'gpu.example:9999' })).status).toBe(200);
    await expect(door({ publicHosts: ['studio.example'] })).rejects.toThrow(
      /--public-host only matters with --allow-remote/,
    );
  });
});
