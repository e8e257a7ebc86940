import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir } from '../../helpers/tmp';
import { rawGet, sampleProjects, startTestServer, wsCall, wsConnect } from './helpers';

const tmp = makeTmpDir('ridge-params-');
let stop: () => Promise<void>;
let port: number;
let q: string;
let ws: NonNullable<Awaited<ReturnType<typeof wsConnect>>['ws']>;

beforeAll(async () => {
  const web = path.join(tmp.dir, 'web');
  mkdirSync(web);
  writeFileSync(path.join(web, 'index.html'), '<!doctype html>');
  await sampleProjects([{ dir: path.join(tmp.dir, 'served'), images: 2, seed: 3 }]);
  const started = await startTestServer({ staticDir: web, startDir: path.join(tmp.dir, 'served') });
  stop = started.close;
  port = started.server.port;
  const tab = await wsConnect(port, `?token=${started.server.token}`);
  ws = tab.ws!;
  q = `token=${started.server.token}&session=${tab.hello!.session}`;
});
afterAll(async () => {
  ws.close();
  await stop();
  tmp.cleanup();
});

async function refusal(
  pathName: string,
  method = 'GET',
): Promise<{ status: number; code: string; message: string }> {
  const r = await rawGet(port, pathName, {}, method);
  return { status: r.status, ...(JSON.parse(r.body.toString()) as { code: string; message: string }) };
}

describe('ridge serve: malformed HTTP parameters are 400 invalid-args naming the parameter', () => {
  it('a thumbnail size that is not a whole number of pixels in range (issue 15: size=33.5 was a 500)', async () => {
    for (const size of ['33.5', 'abc', '-64', '10', '5000', '1e3', '']) {
      const r = await refusal(`/api/images/1/thumb?size=${size}&${q}`);
      expect(r, `size=${size}`).toMatchObject({ status: 400, code: 'invalid-args' });
      expect(r.message).toMatch(/^invalid arguments: size: /);
    }
    expect((await rawGet(port, `/api/images/1/thumb?size=64&${q}`)).status).toBe(200);
    expect((await rawGet(port, `/api/images/1/thumb?${q}`)).status).toBe(200);
  });

  it('an image id, an export format, an upload batch or path, a run id', async () => {
    for (const [p, param] of [
      [`/api/images/abc/file?${q}`, 'id'],
      [`/api/images/0/file?${q}`, 'id'],
      [`/api/images/99999999999999999/file?${q}`, 'id'],
      [`/api/export?format=bogus&${q}`, 'format'],
      [`/api/export?${q}`, 'format'],
      [`/api/runs/a%20b/model?${q}`, 'runId'],
    ] as const) {
      const r = await refusal(p);
      expect(r, p).toMatchObject({ status: 400, code: 'invalid-args' });
      expect(r.message, p).toContain(`${param}: `);
    }
    for (const [p, param] of [
      [`/api/upload?batch=b1&path=../x.jpg&${q}`, 'path'],
      [`/api/upload?batch=b%2F1&path=x.jpg&${q}`, 'batch'],
      [`/api/upload?path=x.jpg&${q}`, 'batch'],
    ] as const) {
      const r = await refusal(p, 'POST');
      expect(r, p).toMatchObject({ status: 400, code: 'invalid-args' });
      expect(r.message, p).toContain(`${param}: `);
    }
    expect((await refusal(`/api/upload?batch=..&${q}`, 'DELETE')).status).toBe(400);
  });

  it("class names with control characters are refused over the API in the shared rule's words", async () => {
    for (const name of ['a\u0000b', 'tab\there', 'line\nbreak', 'del\u007f']) {
      const r = await wsCall(ws, 'classes.create', { name });
      expect(r.ok, JSON.stringify(name)).toBe(false);
      expect(r.error).toMatchObject({ code: 'invalid-args' });
      expect(r.error!.message).toContain('a class name cannot contain control characters');
    }
    const made = await wsCall(ws, 'classes.create', { name: 'platelet' });
    expect(made.ok).toBe(true);
    const id = (made.value as { id: number }).id;
    const renamed = await wsCall(ws, 'classes.update', { id, name: 'x\u0000' });
    expect(renamed.error).toMatchObject({ code: 'invalid-args' });
    expect(
      ((await wsCall(ws, 'classes.list', {})).value as { name: string }[]).map((c) => c.name),
    ).not.toContain('x\u0000');
  });
});
