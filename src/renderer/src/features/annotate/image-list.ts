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

/** The first page is small so the list shows at once; later pages are larger so scrolling far stays quick. */
const FIRST_PAGE = 100;
const PAGE = 500;

function toApiFilter(f: ListFilter) {
  if (f.kind === 'status') return { status: f.status };
  if (f.kind === 'pending') return { hasPending: true };
  if (f.kind === 'class') return { classId: f.classId };
  return {};
}

/**
 * The image list: the ids of every matching image in natural file-name order (raccoon-1, -2, -10), read at once,
 * and their rows in pages as the person scrolls. Boxes and statuses shown in the rows come from the editor's doc,
 * the store the canvas draws from; when the doc forgets its images (a class delete or merge) the loaded rows are
 * re-read into it, so every row reads right without a reload.
 */
export class ImageListStore {
  filter: ListFilter = { kind: 'all' };
  search = '';
  items: ListItem[] = [];
  total = 0;
  counts: (ImageCounts & { removed: number }) | null = null;
  private ids: number[] = [];
  private loading: Promise<void> | null = null;
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

  /** Apply a filter: the ordered ids, the first page and the counts load now. */
  async setFilter(filter: ListFilter): Promise<void> {
    this.filter = filter;
    await this.reload(0);
  }

  /** Show only images whose path contains `text` (case-insensitive; empty shows all). */
  async setSearch(text: string): Promise<void> {
    this.search = text;
    await this.reload(0);
  }

  /** Re-read the order and the rows loaded so far (after a removal, a restore or a split change). */
  refresh(): Promise<void> {
    return this.reload(this.items.length);
  }

  private async reload(keep: number): Promise<void> {
    const gen = ++this.generation;
    this.loading = null;
    const { ids } = await this.api['images.list']({
      filter: toApiFilter(this.filter),
      ...(this.search.trim() ? { search: this.search.trim() } : {}),
      ...(this.filter.kind === 'removed' ? { removed: true } : {}),
    });
    if (gen !== this.generation) return;
    this.ids = ids;
    this.total = ids.length;
    const rows = await this.fetch(ids.slice(0, Math.max(keep, FIRST_PAGE)));
    if (gen !== this.generation) return;
    this.items = rows;
    this.changed();
    await this.refreshCounts();
  }

  private async fetch(ids: number[]): Promise<ListItem[]> {
    const out: ListItem[] = [];
    for (let i = 0; i < ids.length; i += PAGE) {
      for (const img of await this.api['images.byIds']({ ids: ids.slice(i, i + PAGE) })) {
        this.editor.seed(img);
        const { boxes: _b, ...rest } = img;
        out.push(rest);
      }
    }
    return out;
  }

  /** Put the loaded rows' boxes back into the doc after it forgot them. */
  private async reseed(): Promise<void> {
    await this.editor.queue.idle();
    const gen = this.generation;
    const rows = await this.fetch(this.items.map((i) => i.id));
    if (gen !== this.generation) return;
    this.items = rows;
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
    this.items = this.items.map((i) => (i.id === id ? { ...i, ...fields } : i));
    this.changed();
  }

  /** Whether more pages exist. */
  get hasMore(): boolean {
    return this.items.length < this.ids.length;
  }

  /** Load the next page (one at a time). */
  loadMore(): Promise<void> {
    if (!this.hasMore) return Promise.resolve();
    if (this.loading) return this.loading;
    const gen = this.generation;
    const next = this.ids.slice(this.items.length, this.items.length + PAGE);
    this.loading = this.fetch(next).then(
      (rows) => {
        this.loading = null;
        if (gen !== this.generation) return;
        this.items = this.items.concat(rows);
        this.changed();
      },
      (err) => {
        this.loading = null;
        throw err;
      },
    );
    return this.loading;
  }

  /** Make sure rows up to `index` are loaded (the virtual list asks while scrolling). */
  async ensure(index: number): Promise<void> {
    while (index >= this.items.length && this.hasMore) await this.loadMore();
  }

  /** Position of an image in the list, or -1. */
  indexOf(imageId: number): number {
    return this.items.findIndex((i) => i.id === imageId);
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
