import { readFileSync, writeFileSync } from 'node:fs';

/** A project in the Open Recent menu. */
export interface RecentEntry {
  dir: string;
  name: string;
}

/** Recent projects kept in a JSON file under the app's userData folder (no electron import: testable on Node). */
export class RecentProjects {
  constructor(
    private readonly file: string,
    private readonly limit = 10,
  ) {}

  /** Newest first; a missing or damaged file is an empty list. */
  list(): RecentEntry[] {
    try {
      const v = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return Array.isArray(v)
        ? v.filter((e): e is RecentEntry => typeof e?.dir === 'string' && typeof e?.name === 'string')
        : [];
    } catch {
      return [];
    }
  }

  /** Put a project on top (once). */
  add(e: RecentEntry): RecentEntry[] {
    const next = [e, ...this.list().filter((x) => x.dir !== e.dir)].slice(0, this.limit);
    writeFileSync(this.file, JSON.stringify(next, null, 2));
    return next;
  }

  /** Forget every entry. */
  clear(): void {
    writeFileSync(this.file, '[]');
  }
}
