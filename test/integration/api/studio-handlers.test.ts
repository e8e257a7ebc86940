import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/services/api/dispatch';
import type { Handlers } from '../../../src/main/services/api/handlers';
import type { StudioSession } from '../../../src/main/services/api/session';
import { migrate, userVersion } from '../../../src/main/services/db/migrate';
import { MIGRATIONS } from '../../../src/main/services/db/migrations';
import { exportDataset } from '../../../src/main/services/datasets/export';
import { histogram } from '../../../src/main/services/labeling/overview';
import { type Project, RUNS_DIR } from '../../../src/main/services/project/project';
import { freezeManifest } from '../../../src/main/services/runs/manifest';
import type { ProjectOverview, PurgeReport } from '../../../src/shared/api/studio-contract';
import { makeSampleProject } from '../../helpers/sample-project';
import { testDoor } from '../../helpers/studio';
import { makeTmpDir } from '../../helpers/tmp';

let env: { p: Project; dir: string; session: StudioSession; api: Handlers; cleanup(): Promise<void> } | null =
  null;
afterEach(async () => {
  await env?.cleanup();
  env = null;
});

async function setup(count = 12) {
  const made = await makeSampleProject(5, count);
  made.p.close();
  const door = testDoor();
  door.session.use(made.dir);
  const { session, handlers } = door;
  env = {
    p: session.project,
    dir: made.dir,
    session,
    api: handlers,
    cleanup: async () => {
      await door.close();
      made.tmp.cleanup();
    },
  };
  return env;
}

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await dispatch(env!.api, method, args);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/** Rename image files (and rows) so natural and text order differ. */
function rename(p: Project, dir: string, names: Record<number, string>): void {
  for (const [id, name] of Object.entries(names)) {
    const img = p.images.byId(Number(id))!;
    renameSync(path.join(dir, img.path), path.join(dir, 'images', name));
    p.db.prepare('UPDATE image SET path = ? WHERE id = ?').run(`images/${name}`, Number(id));
  }
}

describe('images.list: natural order, search, filters, removed', () => {
  it('orders by file name as people count and searches names case-insensitively', async () => {
    const { p, dir } = await setup();
    rename(p, dir, { 1: 'raccoon-100.jpg', 2: 'raccoon-2.jpg', 3: 'Raccoon-10.jpg', 4: 'raccoon-1.jpg' });
    const { ids } = await call<{ ids: number[] }>('images.list', { search: 'RACCOON' });
    expect(ids).toEqual([4, 2, 3, 1]);
    const all = await call<{ ids: number[] }>('images.list', {});
    expect(all.ids.slice(0, 4)).toEqual([4, 2, 3, 1]);
    expect(all.ids).toHaveLength(12);
    const val = await call<{ ids: number[] }>('images.list', { filter: { split: 'val' } });
    expect(val.ids.every((id) => p.images.byId(id)!.split === 'val')).toBe(true);
  });

  it('byIds returns rows in the asked order with boxes and the removed flag', async () => {
    const { p } = await setup();
    await call('images.remove', { ids: [3] });
    const rows = await call<{ id: number; removed: boolean; boxes: unknown[] }[]>('images.byIds', {
      ids: [3, 1, 999],
    });
    expect(rows.map((r) => [r.id, r.removed])).toEqual([
      [3, true],
      [1, false],
    ]);
    expect(rows[1]!.boxes).toHaveLength(p.annotations.forImage(1).length);
  });
});

describe('split changes and removal', () => {
  it('changes splits in one transaction and refuses unknown ids without changing anything', async () => {
    const { p } = await setup();
    await call('images.setSplit', { ids: [1, 2], split: 'test' });
    expect([p.images.byId(1)!.split, p.images.byId(2)!.split]).toEqual(['test', 'test']);
    const before = p.images.byId(3)!.split;
    await expect(call('images.setSplit', { ids: [3, 999], split: 'val' })).rejects.toThrow(
      /image 999 does not exist/,
    );
    expect(p.images.byId(3)!.split).toBe(before);
  });

  it('a removed image leaves lists, counts, stats, exports and new manifests; restore brings all back', async () => {
    const { p, dir } = await setup();
    const boxes = p.annotations.forImage(2).filter((a) => a.state === 'accepted').length;
    expect(boxes).toBeGreaterThan(0);
    const stats0 = p.stats();
    expect(await call('images.remove', { ids: [2] })).toEqual({ removed: 1 });
    expect(await call('images.remove', { ids: [2] })).toEqual({ removed: 0 });
    expect((await call<{ ids: number[] }>('images.list', {})).ids).not.toContain(2);
    expect((await call<{ ids: number[] }>('images.list', { removed: true })).ids).toEqual([2]);
    expect(p.stats().images).toBe(stats0.images - 1);
    expect(p.stats().annotations).toBe(stats0.annotations - boxes);
    expect((await call<{ all: number }>('images.counts', {})).all).toBe(stats0.images - 1);
    expect(freezeManifest(p).images.map((i) => i.id)).not.toContain(2);
    expect(exportDataset(p, 'coco', path.join(dir, '..', 'out')).images).toBe(stats0.images - 1);
    // File and boxes are kept.
    expect(existsSync(p.imagePath(p.images.byId(2)!))).toBe(true);
    expect(p.annotations.forImage(2).filter((a) => a.state === 'accepted')).toHaveLength(boxes);
    expect(await call('images.restore', { ids: [2] })).toEqual({ restored: 1 });
    expect(p.stats()).toEqual(stats0);
  });

  it('purge deletes removed images and their copies, but keeps any a run manifest refers to', async () => {
    const { p, dir } = await setup();
    const [a, b] = [p.images.byId(4)!, p.images.byId(5)!];
    // A run that trained on image 4 (its manifest names it).
    mkdirSync(path.join(dir, RUNS_DIR, 'r1'), { recursive: true });
    const m = freezeManifest(p);
    m.images = m.images.filter((i) => i.id === 4);
    writeFileSync(path.join(dir, RUNS_DIR, 'r1', 'manifest.json'), JSON.stringify(m));
    await call('images.remove', { ids: [4, 5] });
    const r = await call<PurgeReport>('images.purgeRemoved', {});
    expect(r.deletedImages).toBe(1);
    expect(r.deletedFiles).toBe(1);
    expect(r.keptForRuns.map((i) => i.id)).toEqual([4]);
    expect(existsSync(p.imagePath(a))).toBe(true);
    expect(existsSync(p.imagePath(b))).toBe(false);
    expect(p.images.byId(5)).toBeUndefined();
    expect(p.annotations.forImage(5)).toEqual([]);
    expect(p.images.isRemoved(4)).toBe(true);
  });
});

describe('project.overview', () => {
  it('counts boxes per class per split, sizes, aspects, images without boxes and leakage as stored', async () => {
    const { p } = await setup();
    // Image 6 without boxes; image 7 copied into another split (leakage); image 8 removed.
    p.db.prepare('DELETE FROM annotation WHERE image_id = 6').run();
    p.db.prepare("UPDATE image SET status = 'empty' WHERE id = 6").run();
    const src = p.images.byId(7)!;
    p.images.insert({ ...src, path: 'images/copy.jpg', split: src.split === 'test' ? 'train' : 'test' });
    await call('images.remove', { ids: [8] });
    const o = await call<ProjectOverview>('project.overview', {});
    const live = p.images.all();
    expect(o.images.total).toBe(live.length);
    expect(o.images.removed).toBe(1);
    const accepted = p.annotations.acceptedAll().filter((a) => live.some((i) => i.id === a.imageId));
    expect(o.boxes.accepted).toBe(accepted.length);
    for (const c of o.classes)
      for (const split of ['train', 'val', 'test'] as const)
        expect(c.bySplit[split], `${c.name}/${split}`).toBe(
          accepted.filter((a) => a.classId === c.id && p.images.byId(a.imageId)!.split === split).length,
        );
    expect(o.boxSize.counts.reduce((s, n) => s + n, 0)).toBe(accepted.length);
    expect(o.aspect.counts.reduce((s, n) => s + n, 0)).toBe(accepted.length);
    expect(o.withoutBoxes.first.map((i) => i.id)).toContain(6);
    expect(o.withoutBoxes.empty).toBeGreaterThanOrEqual(1);
    expect(o.leaks).toHaveLength(1);
    expect(o.leaks[0]!.images.map((i) => i.path).sort()).toEqual(['images/copy.jpg', src.path].sort());
  });

  it('histogram bins: [edge_i, edge_i+1), the last open above, values under the first edge in bin 0', () => {
    expect(histogram([0, 7.9, 8, 15, 16, 1000], [0, 8, 16]).counts).toEqual([2, 2, 2]);
    expect(histogram([-1, 0.5], [0, 1]).counts).toEqual([2, 0]);
  });
});

describe('migration 003 (image removal)', () => {
  it('adds removed_at to a version-2 database and keeps its images', () => {
    const tmp = makeTmpDir();
    try {
      const file = path.join(tmp.dir, 'p.ridge');
      const db = new Database(file);
      migrate(db, file, MIGRATIONS.slice(0, 2));
      db.prepare(
        "INSERT INTO image (sha256, path, width, height, split, created_at) VALUES ('h', 'a.jpg', 4, 4, 'train', 'n')",
      ).run();
      migrate(db, file, MIGRATIONS.slice(0, 3));
      expect(userVersion(db)).toBe(3);
      expect(db.prepare('SELECT path, removed_at FROM image').all()).toEqual([
        { path: 'a.jpg', removed_at: null },
      ]);
      db.close();
    } finally {
      tmp.cleanup();
    }
  });
});
