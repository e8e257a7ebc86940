import type { ImageCounts, StudioApi } from '../../../../shared/api/contract';
import type { ImageRecord, ImageStatus } from '../../../../shared/domain/types';
import type { Editor } from './core/editor';

/** The list filters a person can pick (one at a time), plus the removed images. */
export type ListFilter =
  | { kind: 'all' }
  | { kind: 'status'; status: ImageStatus }
  | { kind: 'pending' }
  | { kind: 'class'; classId: number }
  | { kind: 'removed' };

/** A row of the list: the image record and whether it is removed from the project. */
export type ListItem = ImageRecord & { removed: boolean };

/** Rows are fetched in aligned blocks of this many, only where the person looks. */
const BLOCK = 100;

function toApiFilter(f: ListFilter) {
  if (f.kind === 'status') return { status: f.status };
  if (f.kind === 'pending') return { hasPending: true };
  if (f.kind === 'class') return { classId: f.classId };
  return {};
}

/**
 * The image list: the ids of every matching image in natural file-name order (raccoon-1, -2, -10), read at once,
 * and their rows in blocks fetched only around where the person looks (a jump to the end of 10,000 images reads
 * one block, not all before it). Boxes and statuses shown in the rows come from the editor's doc, the store the
 * canvas draws from; when the doc forgets its images (a class delete or merge) the loaded rows are re-read into
 * it, so every row reads right without a reload.
 */
export class ImageListStore {
  filter: ListFilter = { kind: 'all' };
  search = '';
  /** Rows by list position; a hole is a row not fetched yet. */
  items: (ListItem | undefined)[] = [];
  total = 0;
  counts: (ImageCounts & { removed: number }) | null = null;
  private ids: number[] = [];
  private pos = new Map<number, number>();
  private blocks = new Map<number, Promise<void>>();
  private generation = 0;
  private docGeneration: number;
  version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: StudioApi,
    private readonly editor: Editor,
  ) {
    this.docGeneration = editor.doc.generation;
    editor.doc.subscribe(() => {
      if (editor.doc.generation === this.docGeneration) return;
      this.docGeneration = editor.doc.generation;
      void this.reseed();
    });
  }

  /** Listen to list changes. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private changed(): void {
    this.version += 1;
    for (const fn of this.listeners) fn();
  }

  /** Apply a filter: the ordered ids, the first rows and the counts load now. */
  async setFilter(filter: ListFilter): Promise<void> {
    this.filter = filter;
    await this.reload(false);
  }

  /** Show only images whose path contains `text` (case-insensitive; empty shows all). */
  async setSearch(text: string): Promise<void> {
    this.search = text;
    await this.reload(false);
  }

  /** Re-read the order and the rows loaded so far (after a removal, a restore or a split change). */
  refresh(): Promise<void> {
    return this.reload(true);
  }

  private async reload(keepLoaded: boolean): Promise<void> {
    const gen = ++this.generation;
    const loaded = keepLoaded ? new Set(this.loaded().map((r) => r.id)) : new Set<number>();
    const { ids } = await this.api['images.list']({
      filter: toApiFilter(this.filter),
      ...(this.search.trim() ? { search: this.search.trim() } : {}),
      ...(this.filter.kind === 'removed' ? { removed: true } : {}),
    });
    if (gen !== this.generation) return;
    this.ids = ids;
    this.pos = new Map(ids.map((id, i) => [id, i]));
    this.total = ids.length;
    this.items = new Array<ListItem | undefined>(ids.length);
    this.blocks = new Map();
    const want = new Set([0]);
    ids.forEach((id, i) => loaded.has(id) && want.add(Math.floor(i / BLOCK)));
    await Promise.all([...want].map((b) => this.block(b)));
    if (gen !== this.generation) return;
    this.changed();
    await this.refreshCounts();
  }

  /** Fetch one block of rows (once), seeding the doc with their boxes. */
  private block(b: number): Promise<void> {
    const have = this.blocks.get(b);
    if (have) return have;
    const gen = this.generation;
    const ids = this.ids.slice(b * BLOCK, (b + 1) * BLOCK);
    const p = this.fetch(ids).then(
      (rows) => {
        if (gen !== this.generation) return;
        for (const r of rows) {
          const i = this.pos.get(r.id);
          if (i !== undefined) this.items[i] = r;
        }
        this.changed();
      },
      (err) => {
        this.blocks.delete(b);
        throw err;
      },
    );
    this.blocks.set(b, p);
    return p;
  }

  private async fetch(ids: number[]): Promise<ListItem[]> {
    const out: ListItem[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      for (const img of await this.api['images.byIds']({ ids: ids.slice(i, i + 500) })) {
        this.editor.seed(img);
        const { boxes: _b, ...rest } = img;
        out.push(rest);
      }
    }
    return out;
  }

  /** The rows fetched so far. */
  loaded(): ListItem[] {
    return this.items.filter((r): r is ListItem => r !== undefined);
  }

  /** A loaded row by image id. */
  get(imageId: number): ListItem | undefined {
    const i = this.pos.get(imageId);
    return i === undefined ? undefined : this.items[i];
  }

  /** Put the loaded rows' boxes back into the doc after it forgot them. */
  private async reseed(): Promise<void> {
    await this.editor.queue.idle();
    const gen = this.generation;
    const rows = await this.fetch(this.loaded().map((i) => i.id));
    if (gen !== this.generation) return;
    for (const r of rows) {
      const i = this.pos.get(r.id);
      if (i !== undefined) this.items[i] = r;
    }
    this.changed();
  }

  /** Re-read the per-filter counts (removed images included, for their chip). */
  async refreshCounts(): Promise<void> {
    const [counts, removed] = await Promise.all([
      this.api['images.counts']({}),
      this.api['images.list']({ removed: true }),
    ]);
    this.counts = { ...counts, removed: removed.ids.length };
    this.changed();
  }

  /** Change a loaded row in place (a split moved): the list keeps its order until it is re-read. */
  patch(id: number, fields: Partial<ListItem>): void {
    const i = this.pos.get(id);
    const r = i === undefined ? undefined : this.items[i];
    if (i === undefined || !r) return;
    this.items = [...this.items];
    this.items[i] = { ...r, ...fields };
    this.changed();
  }

  /** Make sure the rows from `from` to `to` (exclusive) are fetched (the virtual list asks while scrolling). */
  async ensureRange(from: number, to: number): Promise<void> {
    const blocks: Promise<void>[] = [];
    for (let b = Math.floor(Math.max(0, from) / BLOCK); b * BLOCK < Math.min(to, this.total); b++)
      blocks.push(this.block(b));
    await Promise.all(blocks);
  }

  /** Make sure the row at `index` is fetched. */
  ensure(index: number): Promise<void> {
    return this.ensureRange(index, index + 1);
  }

  /** Position of an image in the list, or -1. */
  indexOf(imageId: number): number {
    return this.pos.get(imageId) ?? -1;
  }

  /** The next image (in name order, wrapping around) that is unlabeled, whatever the filter. */
  async nextUnlabeled(after: ImageRecord | null): Promise<ImageRecord | null> {
    return this.nextWhere({ status: 'unlabeled' }, after, 1, (id) => {
      const st = this.editor.doc.status(id);
      return st === undefined || st === 'unlabeled';
    });
  }

  /** The next (dir 1) or previous (dir -1) image with pending predictions, in name order, wrapping around. */
  async nextWithPending(from: ImageRecord | null, dir: 1 | -1): Promise<ImageRecord | null> {
    return this.nextWhere({ hasPending: true }, from, dir, (id) =>
      this.editor.doc.has(id) ? this.editor.doc.get(id).some((b) => b.state === 'pending') : true,
    );
  }

  private async nextWhere(
    filter: { status?: ImageStatus; hasPending?: boolean },
    from: ImageRecord | null,
    dir: 1 | -1,
    still: (id: number) => boolean,
  ): Promise<ImageRecord | null> {
    await this.editor.queue.idle();
    // Both lists are in the same natural order: the whole project's gives every image its place.
    const [{ ids }, all] = await Promise.all([
      this.api['images.list']({ filter }),
      this.api['images.list']({}),
    ]);
    const place = new Map(all.ids.map((id, i) => [id, i]));
    const here = from ? (place.get(from.id) ?? -1) : -1;
    const ordered = dir === 1 ? ids : [...ids].reverse();
    const ok = ordered.filter((id) => id !== from?.id && still(id));
    const pick = ok.find((id) => ((place.get(id) ?? -1) - here) * dir > 0 || here < 0) ?? ok[0];
    if (pick === undefined) return null;
    const [row] = await this.fetch([pick]);
    return row ?? null;
  }
}
