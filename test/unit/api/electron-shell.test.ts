import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../../src/main/electron/menu';
import { RecentProjects } from '../../../src/main/electron/recent';
import { utilityTrainer } from '../../../src/main/electron/trainer-process';
import { thisProcessOwner } from '../../../src/main/services/runs/lease';
import { trainerProcessPredictor } from '../../../src/main/services/runs/predict-host';
import { createRun } from '../../../src/main/services/runs/runs';
import { DEFAULT_RUN_CONFIG } from '../../../src/shared/domain/runs';
import { RunQueue } from '../../../src/main/services/runs/queue';
import { makeSampleProject } from '../../helpers/sample-project';
import type { Predictor } from '../../../src/main/services/runs/predict-host';
import type { TrainerCommand } from '../../../src/main/trainer/protocol';
import { makeTmpDir } from '../../helpers/tmp';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

// The electron module cannot load here: utilityProcess.fork is a stand-in that records what it was asked.
const fork = vi.hoisted(() => vi.fn());
vi.mock('electron', () => ({ utilityProcess: { fork } }));

/** A stand-in UtilityProcess: records posted commands; the test plays the trainer's side. */
class FakeUtility extends EventEmitter {
  pid = 4242;
  stderr = new PassThrough();
  posted: TrainerCommand[] = [];
  killed = false;
  postMessage(m: TrainerCommand): void {
    this.posted.push(m);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

function items(t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return t.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? items(i.submenu) : [])]);
}

describe('Electron shell (menus, recent projects) without the binary', () => {
  it('has the usual shortcuts, and undo/redo go to the editor, not the web page', () => {
    const a = {
      newProject: vi.fn(),
      openProject: vi.fn(),
      openRecent: vi.fn(),
      clearRecent: vi.fn(),
      send: vi.fn(),
    };
    const all = items(menuTemplate(a, [{ dir: '/p/one', name: 'one' }], false));
    const by = (label: string) => all.find((i) => i.label === label)!;
    expect(by('New Project…').accelerator).toBe('CmdOrCtrl+N');
    expect(by('Open Project…').accelerator).toBe('CmdOrCtrl+O');
    (by('Undo').click as () => void)();
    (by('Redo').click as () => void)();
    expect(a.send.mock.calls).toEqual([['undo'], ['redo']]);
    (by('one — /p/one').click as () => void)();
    expect(a.openRecent).toHaveBeenCalledWith('/p/one');
    expect(all.some((i) => i.role === 'quit')).toBe(true);
  });

  it('keeps recent projects newest first, once each, surviving a damaged file', () => {
    const tmp = makeTmpDir();
    const file = path.join(tmp.dir, 'recent.json');
    const r = new RecentProjects(file, 3);
    expect(r.list()).toEqual([]);
    // A file cut short by a crash, then one with entries of the wrong shape: an empty list, never a throw.
    writeFileSync(file, '[{"dir": "/a", "na');
    expect(r.list()).toEqual([]);
    writeFileSync(file, JSON.stringify([{ dir: 7, name: 'x' }, null, { dir: '/ok', name: 'ok' }]));
    expect(r.list()).toEqual([{ dir: '/ok', name: 'ok' }]);
    writeFileSync(file, '{"not": "a list"}');
    expect(r.list()).toEqual([]);
    // Adding over a damaged file replaces it with a good one.
    writeFileSync(file, 'garbage');
    r.add({ dir: '/a', name: 'a' });
    r.add({ dir: '/b', name: 'b' });
    r.add({ dir: '/a', name: 'a' });
    expect(r.list().map((e) => e.dir)).toEqual(['/a', '/b']);
    r.add({ dir: '/c', name: 'c' });
    r.add({ dir: '/d', name: 'd' });
    expect(r.list().map((e) => e.dir)).toEqual(['/d', '/c', '/a']);
    tmp.cleanup();
  });
});

describe('Electron predictions in a trainer utility process (stand-in utilityProcess)', () => {
  afterEach(() => {
    fork.mockReset();
  });

  /** The predictor the app's composition root makes: a trainer utility process per job. */
  function wired(): { predict: Predictor; child: FakeUtility } {
    const child = new FakeUtility();
    fork.mockReturnValue(child);
    const predict = trainerProcessPredictor({ spawn: utilityTrainer, entry: '/app/out/trainer/trainer.cjs' });
    return { predict, child };
  }

  it('pre-label and test evaluation get a predictor that posts a predict job and resolves with the reply', async () => {
    const { predict, child } = wired();
    const pending = predict('/p/runs/r1/model', [{ id: 3, file: '/p/images/a.jpg' }], {
      scoreThreshold: 0.4,
    });
    expect(fork).toHaveBeenCalledTimes(1);
    const [entry, args, opts] = fork.mock.calls[0]!;
    expect(entry).toBe('/app/out/trainer/trainer.cjs');
    expect(args).toEqual([]);
    expect(opts).toMatchObject({ stdio: ['ignore', 'ignore', 'pipe'], env: { TF_CPP_MIN_LOG_LEVEL: '2' } });
    expect(child.posted).toEqual([
      {
        type: 'predict',
        modelDir: '/p/runs/r1/model',
        images: [{ id: 3, file: '/p/images/a.jpg' }],
        scoreThreshold: 0.4,
      },
    ]);
    const box = { imageId: 3, classIndex: 1, x: 1, y: 2, w: 3, h: 4, score: 0.8 };
    child.emit('message', { type: 'predictions', predictions: [box] });
    await expect(pending).resolves.toEqual([box]);
  });

  it("rejects with the trainer's reason, or with the exit and last stderr lines of a crash", async () => {
    const a = wired();
    const failed = a.predict('/m', [], {});
    a.child.emit('message', { type: 'failed', reason: 'no model.json' });
    await expect(failed).rejects.toThrow('prediction failed: no model.json');

    const b = wired();
    const crashed = b.predict('/m', [], {});
    b.child.stderr.write('Error: out of memory\n');
    await new Promise((r) => setImmediate(r));
    b.child.emit('exit', 134);
    await expect(crashed).rejects.toThrow(/exited with code 134: Error: out of memory/);

    const c = wired();
    const fatal = c.predict('/m', [], {});
    c.child.emit('error', 'FatalError', 'v8::Heap', '{}');
    c.child.emit('exit', 133);
    await expect(fatal).rejects.toThrow(/ended with a FatalError at v8::Heap/);
  });
});

describe('Electron training in a trainer utility process (stand-in utilityProcess)', () => {
  afterEach(() => {
    fork.mockReset();
  });

  it('the run queue starts each run as a utility process and stores what it reports', async () => {
    const child = new FakeUtility();
    fork.mockReturnValue(child);
    const { tmp, p } = await makeSampleProject(3, 20);
    try {
      const run = createRun(p, { ...DEFAULT_RUN_CONFIG, epochs: 1 });
      const q = new RunQueue(p, {
        owner: thisProcessOwner(),
        adopt: true,
        spawn: utilityTrainer,
        entry: '/app/out/trainer/trainer.cjs',
      });
      const ended = new Promise<unknown>((resolve) =>
        q.subscribe((e, payload) => e === 'run.ended' && resolve(payload)),
      );
      q.start();
      await vi.waitFor(() => expect(child.posted).toHaveLength(1));
      expect(fork.mock.calls[0]![0]).toBe('/app/out/trainer/trainer.cjs');
      expect(child.posted[0]).toMatchObject({ type: 'start', runId: run.id, resume: false });
      child.emit('message', { type: 'backend', backend: 'tfjs-node', reasons: [], device: 'test CPU' });
      child.emit('message', { type: 'done', bestEpoch: 1, testMetrics: { AP50: 0.5 }, modelDir: '/m' });
      child.emit('exit', 0);
      await expect(ended).resolves.toMatchObject({ runId: run.id, status: 'done' });
      expect(p.runs.byId(run.id)).toMatchObject({ status: 'done', backend: 'tfjs-node', bestEpoch: 1 });
      await q.dispose();
    } finally {
      p.close();
      tmp.cleanup();
    }
  });
});
