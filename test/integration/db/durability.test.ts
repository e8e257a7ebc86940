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
    const acks: { i: number; op: string; id: number; x: number }[] = [];
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
        const [, , i, op, id, x] = buf.slice(0, nl).split(' ');
        buf = buf.slice(nl + 1);
        acks.push({ i: Number(i), op: op!, id: Number(id), x: Number(x) });
        if (acks.length === 400) child.kill('SIGKILL');
      }
    });
    const how = await exited;
    expect(how, stderr).toBe('SIGKILL');
    expect(acks.length).toBeGreaterThanOrEqual(400);
    expect(acks.length).toBeLessThan(1000);

    const p = Project.open(tmp.dir);
    expect(p.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const lastAck = acks[acks.length - 1]!.i;
    const expected = new Map<number, number>();
    for (const a of acks) expected.set(a.id, a.x);
    for (const [id, x] of expected) {
      const row = p.annotations.byId(id);
      expect(row, `acknowledged box ${id} is missing`).toBeDefined();
      // The edit after the last acknowledged one may have committed before the kill; nothing earlier may be lost.
      const nextX = ((lastAck + 1) * 7) % 500;
      if (row!.x !== x) expect(row!.x).toBe(nextX);
    }
    const boxes = p.annotations.acceptedAll().length;
    const acked = acks.filter((a) => a.op === 'create').length;
    expect(boxes === acked || boxes === acked + 1).toBe(true);
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
      const lines = out.trim().split('\n');
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
