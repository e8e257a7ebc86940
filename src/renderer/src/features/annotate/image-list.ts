import type { ImageCounts, StudioApi } from '../../../../shared/api/contract';
import type { ImageRecord, ImageStatus } from '../../../../shared/domain/types';
import type { Editor } from './core/editor';

/** The list filters a person can pick (one at a time, plus an optional class). */
export type ListFilter =
  | { kind: 'all' }
  | { kind: 'status'; status: ImageStatus }
  | { kind: 'pending' }
  | { kind: 'class'; classId: number };

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
 * The image list as pages loaded on demand (keyset paging, so page N costs the same in a project of 10,000
 * images as in one of 100). Rows keep their place when an image's status changes until the filter is re-applied.
 */
export class ImageListStore {
  filter: ListFilter = { kind: 'all' };
  items: ImageRecord[] = [];
  total = 0;
  counts: ImageCounts | null = null;
  private nextAfter: number | null = 0;
  private loading: Promise<void> | null = null;
  private generation = 0;
  version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly api: StudioApi,
    private readonly editor: Editor,
  ) {}

  /** Listen to list changes. */
  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  private changed(): void {
    this.version += 1;
    for (const fn of this.listeners) fn();
  }

  /** Apply a filter: the first page and the counts load now. */
  async setFilter(filter: ListFilter): Promise<void> {
    this.filter = filter;
    this.generation += 1;
    this.items = [];
    this.nextAfter = 0;
    this.loading = null;
    this.changed();
    await Promise.all([this.loadMore(), this.refreshCounts()]);
  }

  /** Re-read the per-filter counts. */
  async refreshCounts(): Promise<void> {
    this.counts = await this.api['images.counts']({});
    this.changed();
  }

  /** Whether more pages exist. */
  get hasMore(): boolean {
    return this.nextAfter !== null;
  }

  /** Load the next page (one at a time). */
  loadMore(): Promise<void> {
    if (this.nextAfter === null) return Promise.resolve();
    if (this.loading) return this.loading;
    const gen = this.generation;
    const after = this.nextAfter;
    this.loading = this.api['images.page']({
      filter: toApiFilter(this.filter),
      after,
      limit: after === 0 ? FIRST_PAGE : PAGE,
    }).then(
      (r) => {
        if (gen !== this.generation) return;
        for (const img of r.items) this.editor.seed(img);
        this.items = this.items.concat(r.items.map(({ boxes: _b, ...rest }) => rest));
        this.total = r.total;
        this.nextAfter = r.nextAfter;
        this.loading = null;
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

  /** Position of an image in the loaded list, or -1. */
  indexOf(imageId: number): number {
    return this.items.findIndex((i) => i.id === imageId);
  }

  /** The next image with status unlabeled after `afterId` (wrapping around), whatever the filter. */
  async nextUnlabeled(afterId: number): Promise<ImageRecord | null> {
    for (const after of [afterId, 0]) {
      const r = await this.api['images.page']({ filter: { status: 'unlabeled' }, after, limit: 1 });
      const hit = r.items.find(
        (i) => this.editor.doc.status(i.id) === undefined || this.editor.doc.status(i.id) === 'unlabeled',
      );
      if (hit) {
        this.editor.seed(hit);
        return hit;
      }
    }
    return null;
  }
}
