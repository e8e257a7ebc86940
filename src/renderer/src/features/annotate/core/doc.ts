import type { DocBox, ImageStatus, LabelClass } from './types';

/**
 * The editor's in-memory document: boxes of the images visited, their statuses and the classes. Changes are
 * applied here first (the screen answers at once) and written to the store by the save queue.
 */
export class AnnotationDoc {
  private readonly boxes = new Map<number, DocBox[]>();
  private readonly statuses = new Map<number, ImageStatus>();
  classes: LabelClass[] = [];
  /** Bumped on every change, for React's useSyncExternalStore. */
  version = 0;
  /** Bumped when every loaded image is forgotten: whoever holds copies (the image list) re-reads them. */
  generation = 0;
  private readonly listeners = new Set<() => void>();

  /** Listen to changes. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  /** Tell listeners something changed. */
  changed(): void {
    this.version += 1;
    for (const fn of this.listeners) fn();
  }

  /** Whether the boxes of an image are loaded. */
  has(imageId: number): boolean {
    return this.boxes.has(imageId);
  }

  /** Boxes of an image (empty when not loaded). */
  get(imageId: number): readonly DocBox[] {
    return this.boxes.get(imageId) ?? [];
  }

  /** One box by key. */
  find(imageId: number, key: string): DocBox | undefined {
    return this.boxes.get(imageId)?.find((b) => b.key === key);
  }

  /** Status of an image as the editor knows it. */
  status(imageId: number): ImageStatus | undefined {
    return this.statuses.get(imageId);
  }

  /** Load an image's boxes and status from the store (replaces what was there). */
  load(imageId: number, status: ImageStatus, boxes: DocBox[]): void {
    this.boxes.set(imageId, boxes);
    this.statuses.set(imageId, status);
    this.changed();
  }

  /** Forget every loaded image (after a class delete or merge the store is re-read). */
  invalidate(): void {
    this.boxes.clear();
    this.statuses.clear();
    this.generation += 1;
    this.changed();
  }

  /** Set an image's status. */
  setStatus(imageId: number, status: ImageStatus): void {
    this.statuses.set(imageId, status);
    this.changed();
  }

  /** Add boxes (keeping each at its index when given, so undo restores the drawing order). */
  add(imageId: number, add: DocBox[]): void {
    const list = [...(this.boxes.get(imageId) ?? [])];
    list.push(...add);
    this.boxes.set(imageId, list);
    this.syncStatus(imageId);
    this.changed();
  }

  /** Change fields of one box. */
  update(imageId: number, key: string, patch: Partial<DocBox>): void {
    const list = this.boxes.get(imageId);
    if (!list) return;
    this.boxes.set(
      imageId,
      list.map((b) => (b.key === key ? { ...b, ...patch } : b)),
    );
    this.syncStatus(imageId);
    this.changed();
  }

  /** Remove boxes by key. */
  remove(imageId: number, keys: string[]): void {
    const drop = new Set(keys);
    this.boxes.set(
      imageId,
      (this.boxes.get(imageId) ?? []).filter((b) => !drop.has(b.key)),
    );
    this.syncStatus(imageId);
    this.changed();
  }

  /** Same rule as the store: a box makes an image labeled; removing the last one makes it unlabeled again. */
  private syncStatus(imageId: number): void {
    const cur = this.statuses.get(imageId);
    if (!cur) return;
    const n = this.get(imageId).filter((b) => b.state === 'accepted').length;
    if (n > 0 && (cur === 'unlabeled' || cur === 'empty')) this.statuses.set(imageId, 'labeled');
    if (n === 0 && cur === 'labeled') this.statuses.set(imageId, 'unlabeled');
  }
}
