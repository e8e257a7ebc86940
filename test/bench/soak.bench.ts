// Soak benchmark (issue 15): `ridge serve` (the built CLI, loopback only) under mixed load for a bounded time:
// WebSocket editors creating, moving and deleting boxes, imports over the API, a tiny training on serve's queue,
// and a CLI writer beside it (`ridge import` of fresh folders in another process). At the end serve is stopped
// and the project is checked directly: every acknowledged edit must be there as acknowledged (a deleted box gone),
// every image row's file must exist, and PRAGMA integrity_check must say ok. Prints figures; asserts nothing.
//   npx tsx test/bench/soak.bench.ts [--minutes 10]     (or SOAK_MINUTES; npm run bench -- soak)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { Project } from '../../src/main/services/project/project';
import { fillSampleProject } from '../../src/main/services/sample/fill-project';
import { mulberry32 } from '../../src/shared/random';
import { writeImage } from '../helpers/images';
import { makeTmpDir } from '../helpers/tmp';

const ROOT = path.join(__dirname, '..', '..');
const RIDGE = path.join(ROOT, 'bin', 'ridge.cjs');

function minutesFlag(): number {
  const i = process.argv.indexOf('--minutes');
  const raw = i >= 0 ? process.argv[i + 1] : process.env.SOAK_MINUTES;
  const m = raw === undefined ? 10 : Number(raw);
  if (!(m > 0 && m <= 120)) throw new Error(`--minutes must be a number above 0 and at most 120, got ${raw}`);
  return m;
}

type Result = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

/** One WebSocket connection to serve that calls methods and matches answers by id. */
class Client {
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Result) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { t: string; id: number; result: Result };
      if (m.t === 'result') this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
  }
  static open(port: number, token: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/ws?token=${token}`, {
        headers: { Origin: `http://127.0.0.1:${port}` },
      });
      ws.once('message', () => resolve(new Client(ws)));
      ws.once('error', reject);
    });
  }
  call(method: string, args: unknown): Promise<Result> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(JSON.stringify({ t: 'call', id, method, args }));
    });
  }
  close(): void {
    this.ws.close();
  }
}

interface Box {
  imageId: number;
  classId: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

const figures = {
  editsAcked: 0,
  editsBusy: 0,
  editsFailed: 0,
  slowestAckMs: 0,
  apiImports: 0,
  apiImportsBusy: 0,
  apiImportsFailed: 0,
  cliImports: 0,
  cliImportsFailed: 0,
  runsStarted: 0,
  runsDone: 0,
  longestRunS: 0,
  runsFailed: 0,
};
const failures: string[] = [];

async function main(): Promise<void> {
  const minutes = minutesFlag();
  const until = Date.now() + minutes * 60_000;
  const tmp = makeTmpDir('ridge-soak-');
  const dir = path.join(tmp.dir, 'root', 'soak');
  const p = Project.init(dir, 'soak');
  await fillSampleProject(p, { count: 60, seed: 15 });
  const imageIds = p.images.all().map((i) => i.id);
  const classIds = p.classes.list().map((c) => c.id);
  p.close();
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'ignore' });

  const serve: ChildProcess = spawn(process.execPath, [RIDGE, 'serve', dir, '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serveLog: string[] = [];
  createInterface({ input: serve.stderr! }).on('line', (l) => serveLog.push(l));
  const url = new URL(
    await new Promise<string>((r) => createInterface({ input: serve.stdout! }).once('line', r)),
  );
  const port = Number(url.port);
  const token = url.searchParams.get('token')!;
  console.log(`soak: ${minutes} min on ${url.origin} (project ${dir})`);

  /** Every acknowledged box as last acknowledged (null: its deletion was acknowledged). */
  const acked = new Map<number, Box | null>();
  const rand = mulberry32(15);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const timed = async (c: Client, method: string, args: unknown) => {
    const t = performance.now();
    const r = await c.call(method, args);
    figures.slowestAckMs = Math.max(figures.slowestAckMs, performance.now() - t);
    if (r.ok) figures.editsAcked++;
    else if (r.error?.code === 'busy') figures.editsBusy++;
    else {
      figures.editsFailed++;
      failures.push(`${method}: ${r.error?.code}: ${r.error?.message}`);
    }
    return r;
  };

  async function editor(c: Client): Promise<void> {
    while (Date.now() < until) {
      const mine = [...acked.entries()].filter(([, b]) => b !== null);
      const roll = rand();
      if (roll < 0.6 || mine.length < 5) {
        const box: Box = {
          imageId: pick(imageIds),
          classId: pick(classIds),
          x: Math.floor(rand() * 20),
          y: Math.floor(rand() * 20),
          w: 3 + Math.floor(rand() * 10),
          h: 3 + Math.floor(rand() * 10),
        };
        const r = await timed(c, 'annotations.create', box);
        if (r.ok) acked.set((r.value as { id: number }).id, box);
      } else if (roll < 0.85) {
        const [id, b] = pick(mine);
        const moved = { ...b!, x: Math.floor(rand() * 20), y: Math.floor(rand() * 20) };
        const r = await timed(c, 'annotations.update', { id, x: moved.x, y: moved.y });
        if (r.ok) acked.set(id, moved);
      } else {
        const [id] = pick(mine);
        const r = await timed(c, 'annotations.delete', { id });
        if (r.ok) acked.set(id, null);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  let folders = 0;
  async function newFolder(): Promise<string> {
    const f = path.join(tmp.dir, 'root', `in-${++folders}`);
    for (let i = 0; i < 4; i++)
      await writeImage(path.join(f, `img-${i}.jpg`), 64, 48, { seed: folders * 10 + i });
    return f;
  }

  async function apiImporter(c: Client): Promise<void> {
    while (Date.now() < until) {
      const r = await c.call('datasets.import', {
        format: 'images',
        from: await newFolder(),
        split: 'train',
      });
      if (r.ok) figures.apiImports++;
      else if (r.error?.code === 'busy') figures.apiImportsBusy++;
      else {
        figures.apiImportsFailed++;
        failures.push(`datasets.import: ${r.error?.code}: ${r.error?.message}`);
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  async function cliWriter(): Promise<void> {
    while (Date.now() < until) {
      const from = await newFolder();
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(
          process.execPath,
          [RIDGE, 'import', dir, '--format', 'images', '--from', from, '--split', 'val'],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (c) => {
          if (c !== 0) failures.push(`ridge import (exit ${c}): ${err.trim().split('\n').pop()}`);
          resolve(c);
        });
      });
      if (code === 0) figures.cliImports++;
      else figures.cliImportsFailed++;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function trainer(c: Client): Promise<void> {
    const config = { epochs: 1, imgSize: 64, batchSize: 4, widthMultiplier: 0.25, backend: 'cpu' };
    while (Date.now() < until) {
      const r = await c.call('runs.start', { configs: [config] });
      if (!r.ok) {
        failures.push(`runs.start: ${r.error?.code}: ${r.error?.message}`);
        await new Promise((res) => setTimeout(res, 5000));
        continue;
      }
      const [runId] = (r.value as { runIds: string[] }).runIds;
      figures.runsStarted++;
      const startedAt = Date.now();
      for (;;) {
        await new Promise((res) => setTimeout(res, 1000));
        const list = await c.call('runs.list', {});
        const run = (
          list.value as { id: string; status: string; failReason: string | null }[] | undefined
        )?.find((x) => x.id === runId);
        if (run && (run.status === 'done' || run.status === 'failed' || run.status === 'cancelled')) {
          figures.longestRunS = Math.max(figures.longestRunS, (Date.now() - startedAt) / 1000);
          if (run.status === 'done') figures.runsDone++;
          else {
            figures.runsFailed++;
            failures.push(`run ${runId} ${run.status}: ${run.failReason}`);
          }
          break;
        }
        if (Date.now() > until + 120_000) break;
      }
    }
  }

  const clients = await Promise.all([0, 1, 2, 3].map(() => Client.open(port, token)));
  await Promise.all([
    editor(clients[0]!),
    editor(clients[1]!),
    apiImporter(clients[2]!),
    cliWriter(),
    trainer(clients[3]!),
  ]);
  for (const c of clients) c.close();
  const exited = new Promise((r) => serve.once('exit', r));
  serve.kill('SIGTERM');
  await exited;

  // The checks, on the project as serve left it.
  const db = new Database(path.join(dir, 'project.ridge'), { readonly: true });
  let lost = 0;
  const get = db.prepare(
    'SELECT image_id AS imageId, class_id AS classId, x, y, w, h FROM annotation WHERE id = ?',
  );
  for (const [id, box] of acked) {
    const row = get.get(id) as Box | undefined;
    if (
      box === null
        ? row !== undefined
        : !row || row.x !== box.x || row.y !== box.y || row.imageId !== box.imageId
    )
      lost++;
  }
  const paths = db.prepare('SELECT path FROM image').all() as { path: string }[];
  const missing = paths.filter((r) => !existsSync(path.resolve(dir, r.path))).length;
  const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
    (r) => r.integrity_check,
  );
  db.close();

  console.log(
    `edits acknowledged: ${figures.editsAcked} (busy: ${figures.editsBusy}, failed otherwise: ${figures.editsFailed}); slowest answer ${figures.slowestAckMs.toFixed(0)} ms`,
  );
  console.log(
    `imports over the API: ${figures.apiImports} (busy: ${figures.apiImportsBusy}, failed: ${figures.apiImportsFailed}); CLI imports beside: ${figures.cliImports} (failed: ${figures.cliImportsFailed})`,
  );
  console.log(
    `tiny trainings under serve: ${figures.runsStarted} started, ${figures.runsDone} done, ${figures.runsFailed} failed; longest ${figures.longestRunS.toFixed(0)} s`,
  );
  console.log(`image rows: ${paths.length}; boxes acknowledged and checked: ${acked.size}`);
  console.log(`acknowledged edits lost: ${lost}`);
  console.log(`missing files: ${missing}`);
  console.log(`integrity_check: ${integrity.join('; ')}`);
  const serveErrors = serveLog.filter((l) => /error|Unhandled/i.test(l));
  console.log(`serve stderr lines: ${serveLog.length} (${serveErrors.length} mention an error)`);
  for (const f of [...new Set(failures)].slice(0, 10)) console.log(`  failure: ${f}`);
  for (const l of serveErrors.slice(0, 5)) console.log(`  serve: ${l}`);
  if (process.env.SOAK_FIGURES)
    writeFileSync(process.env.SOAK_FIGURES, JSON.stringify({ ...figures, lost, missing, integrity }));
  tmp.cleanup();
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
