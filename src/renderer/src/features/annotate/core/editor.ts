import type { ImageWithBoxes } from '../../../../../shared/api/contract';
import { clipBoxToImage } from '../../../../../shared/geometry';
import { AnnotationDoc } from './doc';
import { History, type Undoable } from './history';
import { SaveQueue, type SaveOp } from './sync';
import { type Box, type DocBox, type EditorApi, fromAnnotation, type ImageStatus, newKey } from './types';

/** Fields of a box a person can change in one command. */
export type BoxPatch = Partial<
  Pick<DocBox, 'x' | 'y' | 'w' | 'h' | 'classId' | 'difficult' | 'truncated' | 'state'>
>;

/**
 * The labeling editor without React: every document change is a named command applied to the in-memory doc,
 * queued for the store, and pushed on the history (one entry per gesture). The canvas and keyboard call this.
 */
export class Editor {
  readonly doc = new AnnotationDoc();
  readonly history = new History();
  readonly queue: SaveQueue;
  private readonly dims = new Map<number, { width: number; height: number }>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly api: EditorApi,
    opts: { retryDelayMs?: (attempt: number) => number } = {},
  ) {
    this.queue = new SaveQueue(api, (op, msg) => void this.onRejected(op, msg), opts.retryDelayMs);
  }

  /** Read the class list from the store. */
  async loadClasses(): Promise<void> {
    this.doc.classes = await this.api['classes.list']({});
    this.doc.changed();
  }

  /** Put an image from a list page into the doc unless it is already there (local edits win). */
  seed(img: ImageWithBoxes): void {
    this.dims.set(img.id, { width: img.width, height: img.height });
    if (this.doc.has(img.id)) return;
    for (const b of img.boxes) this.queue.bind(`s${b.id}`, b.id);
    this.doc.load(img.id, img.status, img.boxes.map(fromAnnotation));
  }

  /** Read one image's boxes from the store (after writes to it have landed). */
  async loadImage(imageId: number): Promise<void> {
    await this.queue.idle();
    const img = await this.api['images.get']({ id: imageId });
    this.dims.set(img.id, { width: img.width, height: img.height });
    for (const b of img.boxes) this.queue.bind(`s${b.id}`, b.id);
    this.doc.load(img.id, img.status, img.boxes.map(fromAnnotation));
  }

  /**
   * What the store refused last and what the person should be told: an image re-read, every loaded image re-read,
   * or a project-level call refused (creating a class whose name is taken), where no image changed.
   */
  lastRejection: { message: string; reread: 'image' | 'all' | 'none' } | null = null;

  private async onRejected(op: SaveOp, msg: string): Promise<void> {
    const imageId = op.kind === 'create' ? op.box.imageId : op.kind === 'status' ? op.imageId : null;
    this.lastRejection = {
      message: msg,
      reread: op.kind === 'call' ? 'none' : imageId !== null ? 'image' : 'all',
    };
    if (imageId !== null) await this.loadImage(imageId);
    else this.doc.invalidate();
  }

  /** Clip a box to its image, or null when nothing is left (too small, outside). */
  fit(imageId: number, box: Box): Box | null {
    const d = this.dims.get(imageId);
    if (!d) return box;
    const r = clipBoxToImage(box, d.width, d.height);
    if (r.kind === 'dropped' || r.box.w < 1 || r.box.h < 1) return null;
    return r.box;
  }

  private exec(cmd: Undoable): void {
    void cmd.redo();
    this.history.push(cmd);
  }

  /** Draw a box (one undo entry). Returns it, or null when it was too small to keep. */
  drawBox(imageId: number, box: Box, classId: number): DocBox | null {
    const fitted = this.fit(imageId, box);
    if (!fitted) return null;
    const b: DocBox = {
      ...fitted,
      key: newKey(),
      imageId,
      classId,
      difficult: false,
      truncated: false,
      source: 'manual',
      score: null,
      state: 'accepted',
    };
    this.exec(this.addCmd('draw box', imageId, [b]));
    return b;
  }

  private addCmd(label: string, imageId: number, boxes: DocBox[]): Undoable {
    return {
      label,
      imageId,
      redo: () => {
        this.doc.add(imageId, boxes);
        for (const b of boxes) this.queue.push({ kind: 'create', box: b });
      },
      undo: () => {
        this.doc.remove(
          imageId,
          boxes.map((b) => b.key),
        );
        for (const b of boxes) this.queue.push({ kind: 'delete', key: b.key });
      },
    };
  }

  /** Change boxes (move, resize, relabel, flags, accept): one undo entry for the whole gesture. */
  updateBoxes(label: string, imageId: number, changes: { key: string; patch: BoxPatch }[]): void {
    const steps = changes.flatMap(({ key, patch }) => {
      const cur = this.doc.find(imageId, key);
      if (!cur) return [];
      let after: BoxPatch = { ...patch };
      if (patch.x !== undefined || patch.y !== undefined || patch.w !== undefined || patch.h !== undefined) {
        const fitted = this.fit(imageId, {
          x: patch.x ?? cur.x,
          y: patch.y ?? cur.y,
          w: patch.w ?? cur.w,
          h: patch.h ?? cur.h,
        });
        if (!fitted) return [];
        after = { ...after, ...fitted };
      }
      const before: BoxPatch = {};
      for (const k of Object.keys(after) as (keyof BoxPatch)[])
        (before as Record<string, unknown>)[k] = cur[k];
      const same = Object.keys(after).every(
        (k) => before[k as keyof BoxPatch] === after[k as keyof BoxPatch],
      );
      return same ? [] : [{ key, before, after }];
    });
    if (!steps.length) return;
    const apply = (which: 'before' | 'after') => () => {
      for (const s of steps) {
        this.doc.update(imageId, s.key, s[which]);
        this.queue.push({ kind: 'update', key: s.key, patch: s[which] });
      }
    };
    this.exec({ label, imageId, redo: apply('after'), undo: apply('before') });
  }

  /** Move or resize one box to a new geometry (a drag or a transformer gesture). */
  moveBox(imageId: number, key: string, to: Box, label = 'move box'): void {
    this.updateBoxes(label, imageId, [{ key, patch: { x: to.x, y: to.y, w: to.w, h: to.h } }]);
  }

  /** Give boxes another class. */
  relabel(imageId: number, keys: string[], classId: number): void {
    this.updateBoxes(
      'change class',
      imageId,
      keys.map((key) => ({ key, patch: { classId } })),
    );
  }

  /** Flip the difficult or truncated flag of a box. */
  toggleFlag(imageId: number, key: string, flag: 'difficult' | 'truncated'): void {
    const b = this.doc.find(imageId, key);
    if (b) this.updateBoxes(`toggle ${flag}`, imageId, [{ key, patch: { [flag]: !b[flag] } }]);
  }

  /** Accept pending predictions as ground truth. */
  acceptPending(imageId: number, keys: string[]): void {
    this.updateBoxes(
      'accept prediction',
      imageId,
      keys.map((key) => ({ key, patch: { state: 'accepted' } })),
    );
  }

  /** Delete boxes (rejecting a prediction is deleting it); undo restores them as they were. */
  deleteBoxes(imageId: number, keys: string[], label = 'delete box'): void {
    const boxes = keys.map((k) => this.doc.find(imageId, k)).filter((b): b is DocBox => Boolean(b));
    if (!boxes.length) return;
    const add = this.addCmd(label, imageId, boxes);
    this.exec({ label, imageId, redo: add.undo, undo: add.redo });
  }

  /** Copy every accepted box of another image (the previous one) onto this one: one undo entry. */
  copyBoxes(imageId: number, from: readonly DocBox[]): number {
    const copies = from
      .filter((b) => b.state === 'accepted')
      .map((b): DocBox => ({ ...b, key: newKey(), imageId, source: 'manual', score: null }))
      .map((b): DocBox | null => {
        const f = this.fit(imageId, b);
        return f ? { ...b, ...f } : null;
      })
      .filter((b): b is DocBox => b !== null);
    if (copies.length) this.exec(this.addCmd('copy boxes from previous image', imageId, copies));
    return copies.length;
  }

  /** Mark an image reviewed, empty (a negative) or back to labeled/unlabeled. */
  setStatus(imageId: number, status: ImageStatus): void {
    const before = this.doc.status(imageId);
    if (!before || before === status) return;
    const set = (s: ImageStatus) => () => {
      this.doc.setStatus(imageId, s);
      this.queue.push({ kind: 'status', imageId, status: s });
    };
    this.exec({ label: `mark ${status}`, imageId, redo: set(status), undo: set(before) });
  }

  /** Undo the latest change; resolves with it (the UI shows its image). */
  undo(): Promise<Undoable | undefined> {
    return this.serial(async () => {
      const c = this.history.popUndo();
      await c?.undo();
      return c;
    });
  }

  /** Redo the latest undone change. */
  redo(): Promise<Undoable | undefined> {
    return this.serial(async () => {
      const c = this.history.popRedo();
      await c?.redo();
      return c;
    });
  }

  /** Run async commands one after another (class commands wait for the store). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Push an async command that has already been applied (class commands). */
  record(cmd: Undoable): void {
    this.history.push(cmd);
  }
}
