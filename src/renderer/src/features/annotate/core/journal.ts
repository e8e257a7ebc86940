import type { JournalEntry } from './sync';

// The offline journal: the save queue's unsent writes kept in the page's IndexedDB, one record per browser tab
// and project, so edits made while the server is down survive a reload or a closed tab and are replayed in order
// once the page is connected again. Each write carries its idempotency key, so a replay never creates twice.

const DB_NAME = 'ridge-studio';
const STORE = 'journal';
const TAB_KEY = 'ridge.tab-id';

interface StoredRecord extends JournalEntry {
  /** `${projectId}/${tabId}`. */
  id: string;
  projectId: string;
  tabId: string;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, 1);
  r.onupgradeneeded = () => {
    if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'id' });
  };
  return request(r);
}

/** A random id a server may use as a key or a tab may name itself with (works outside a secure context too). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function tabId(): string {
  let id = sessionStorage.getItem(TAB_KEY);
  if (!id) sessionStorage.setItem(TAB_KEY, (id = randomId()));
  return id;
}

const lockName = (tab: string) => `ridge-journal/${tab}`;

/** Hold this tab's lock for as long as the page lives, so other tabs know its journal is not abandoned. */
function holdLock(tab: string): void {
  void navigator.locks?.request(lockName(tab), () => new Promise<never>(() => undefined));
}

/** Whether the tab that wrote a record is gone (its lock is free); without Web Locks every record is adopted. */
async function abandoned(tab: string): Promise<boolean> {
  if (!navigator.locks) return true;
  return navigator.locks.request(lockName(tab), { ifAvailable: true }, (lock) => lock !== null);
}

let writtenOps: number | null = null;
if (__RIDGE_TEST_HOOKS__)
  (window as unknown as { __ridgeJournal: () => number | null }).__ridgeJournal = () => writtenOps;

/** One tab's journal for one project. */
export class OfflineJournal {
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: IDBDatabase,
    private readonly projectId: string,
    private readonly tab: string,
  ) {}

  /** Open the journal of this tab for a project (null where IndexedDB is not available). */
  static async open(projectId: string): Promise<OfflineJournal | null> {
    if (typeof indexedDB === 'undefined') return null;
    const tab = tabId();
    holdLock(tab);
    try {
      return new OfflineJournal(await openDb(), projectId, tab);
    } catch {
      return null;
    }
  }

  private get id(): string {
    return `${this.projectId}/${this.tab}`;
  }

  /**
   * The writes this page must replay: its own record (a reload) and those of tabs on the project that are gone
   * (a closed tab), oldest first. Other tabs' records are deleted once this tab has saved them as its own.
   */
  async adopt(): Promise<{ entries: JournalEntry[]; release(): Promise<void> }> {
    const all = (await request(this.db.transaction(STORE).objectStore(STORE).getAll())) as StoredRecord[];
    const mine: StoredRecord[] = [];
    for (const r of all)
      if (
        r.projectId === this.projectId &&
        r.ops.length &&
        (r.tabId === this.tab || (await abandoned(r.tabId)))
      )
        mine.push(r);
    mine.sort((a, b) => a.savedAt - b.savedAt);
    const others = mine.filter((r) => r.tabId !== this.tab).map((r) => r.id);
    return {
      entries: mine.map(({ ops, ids, savedAt }) => ({ ops, ids, savedAt })),
      release: async () => {
        await this.chain;
        const tx = this.db.transaction(STORE, 'readwrite');
        for (const id of others) tx.objectStore(STORE).delete(id);
        await new Promise<void>((resolve) => (tx.oncomplete = () => resolve()));
      },
    };
  }

  /** Replace this tab's record with the queue's unsent writes (writes are serialized, last one wins). */
  save(entry: JournalEntry): void {
    const record: StoredRecord = { ...entry, id: this.id, projectId: this.projectId, tabId: this.tab };
    this.chain = this.chain.then(
      () =>
        new Promise<void>((resolve) => {
          const tx = this.db.transaction(STORE, 'readwrite');
          if (record.ops.length) tx.objectStore(STORE).put(record);
          else tx.objectStore(STORE).delete(record.id);
          tx.oncomplete = () => {
            writtenOps = record.ops.length;
            resolve();
          };
          tx.onerror = () => resolve();
          tx.onabort = () => resolve();
        }),
    );
  }
}
