import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Project } from '../../../src/main/services/project/project';
import { REPO_ROOT } from '../../helpers/paths';
import { makeTmpDir } from '../../helpers/tmp';

const WRITER = path.join(REPO_ROOT, 'test/integration/children/edit-writer.ts');

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir()));
afterEach(() => tmp.cleanup());

function seedProject(dir: string): void {
  const p = Project.init(dir, 'durability');
  p.tx(() => {
    p.classes.create('thing');
    p.images.insert({
      sha256: 'x',
      path: 'images/a.jpg',
      linked: false,
      width: 640,
      height: 480,
      split: 'train',
      status: 'unlabeled',
    });
  });
  p.close();
}

function startWriter(dir: string, count: number, tag: string) {
  return spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(count), tag], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('every acknowledged edit survives SIGKILL', () => {
  it('kills a writer midway through 1,000 edits; all acknowledged edits are there and the file is intact', async () => {
    seedProject(tmp.dir);
    const child = startWriter(tmp.dir, 1000, 'k');
    type Line = { i: number; op: string; id: number; x: number };
    const acks: Line[] = [];
    const tries: Line[] = [];
    let buf = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on('exit', (code, sig) => resolve(sig ?? code)),
    );
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const [kind, , i, op, id, x] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        const line = { i: Number(i), op: op!, id: Number(id), x: Number(x) };
        (kind === 'ack' ? acks : tries).push(line);
        if (acks.length === 400) child.kill('SIGKILL');
      }
    });
    const how = await exited;
    expect(how, stderr).toBe('SIGKILL');
    expect(acks.length).toBeGreaterThanOrEqual(400);
    expect(acks.length).toBeLessThan(1000);

    const p = Project.open(tmp.dir);
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
    // At most one edit was in flight at the kill: the one the writer announced but never acknowledged.
    const lastAck = acks[acks.length - 1]!.i;
    const inFlight = tries.filter((t) => t.i > lastAck);
    expect(inFlight.length).toBeLessThanOrEqual(1);
    const pending = inFlight[0];
    const expected = new Map<number, number>();
    for (const a of acks) expected.set(a.id, a.x);
    for (const [id, x] of expected) {
      const row = p.annotations.byId(id);
      expect(row, `acknowledged box ${id} is missing`).toBeDefined();
      // Every box holds its last acknowledged position, except that the one in-flight move may have committed.
      if (pending?.op === 'move' && pending.id === id) expect([x, pending.x]).toContain(row!.x);
      else expect(row!.x, `box ${id}`).toBe(x);
    }
    const boxes = p.annotations.acceptedAll().length;
    const acked = acks.filter((a) => a.op === 'create').length;
    if (pending?.op === 'create') expect([acked, acked + 1]).toContain(boxes);
    else expect(boxes).toBe(acked);
    p.close();
  });
});

describe('several processes write one project at once', () => {
  it('two writer processes each apply their edits; none is lost and the file is intact', async () => {
    seedProject(tmp.dir);
    const run = (tag: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const c = startWriter(tmp.dir, 300, tag);
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (err += d.toString()));
        c.on('exit', (code) => resolve({ code, out, err }));
      });
    const [a, b] = await Promise.all([run('a'), run('b')]);
    expect(a.code, a.err).toBe(0);
    expect(b.code, b.err).toBe(0);
    const p = Project.open(tmp.dir);
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(p.annotations.acceptedAll()).toHaveLength(200);
    for (const out of [a.out, b.out]) {
      const lines = out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('ack '));
      expect(lines).toHaveLength(300);
      const lastMove = new Map<number, number>();
      for (const l of lines) {
        const [, , , , id, x] = l.split(' ');
        lastMove.set(Number(id), Number(x));
      }
      for (const [id, x] of lastMove) expect(p.annotations.byId(id)!.x).toBe(x);
    }
    p.close();
  });
});
