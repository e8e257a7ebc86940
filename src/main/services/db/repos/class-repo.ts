import type Database from 'better-sqlite3';
import type { LabelClass } from '../../../../shared/domain/types';
import { assertValidName } from '../valid-name';
import { type ClassRow, toLabelClass } from './rows';

/** A distinct, readable palette; classes cycle through it in creation order. */
export const CLASS_PALETTE: readonly string[] = [
  '#e6194b',
  '#3cb44b',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#42d4f4',
  '#f032e6',
  '#bfef45',
  '#fabed4',
  '#469990',
  '#dcbeff',
  '#9a6324',
  '#fffac8',
  '#800000',
  '#aaffc3',
  '#808000',
];

/** All SQL on label classes. */
export class ClassRepo {
  private readonly q;
  constructor(private readonly db: Database.Database) {
    this.q = {
      list: db.prepare('SELECT * FROM label_class ORDER BY sort_order, id'),
      byName: db.prepare('SELECT * FROM label_class WHERE name = ?'),
      byId: db.prepare('SELECT * FROM label_class WHERE id = ?'),
      maxOrder: db.prepare('SELECT coalesce(max(sort_order), -1) AS m, count(*) AS n FROM label_class'),
      insert: db.prepare('INSERT INTO label_class (name, color, hotkey, sort_order) VALUES (?, ?, ?, ?)'),
      update: db.prepare(
        'UPDATE label_class SET name = ?, color = ?, hotkey = ?, sort_order = ? WHERE id = ?',
      ),
      remove: db.prepare('DELETE FROM label_class WHERE id = ?'),
      usedHotkeys: db.prepare('SELECT hotkey FROM label_class WHERE hotkey IS NOT NULL'),
    };
  }

  /** Classes in project order. */
  list(): LabelClass[] {
    return (this.q.list.all() as ClassRow[]).map(toLabelClass);
  }

  /** A class by exact name, or undefined. */
  byName(name: string): LabelClass | undefined {
    const r = this.q.byName.get(name) as ClassRow | undefined;
    return r && toLabelClass(r);
  }

  /** A class by id, or undefined. */
  byId(id: number): LabelClass | undefined {
    const r = this.q.byId.get(id) as ClassRow | undefined;
    return r && toLabelClass(r);
  }

  /** Add a class at the end; colour from the palette and the first free hotkey 1-9 unless given. */
  create(name: string, opts: { color?: string; hotkey?: string | null } = {}): LabelClass {
    assertValidName('class', name);
    const { m, n } = this.q.maxOrder.get() as { m: number; n: number };
    const color = opts.color ?? CLASS_PALETTE[n % CLASS_PALETTE.length]!;
    const hotkey = opts.hotkey === undefined ? this.freeHotkey() : opts.hotkey;
    const info = this.q.insert.run(name, color, hotkey, m + 1);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Get a class by name, creating it if missing (imports). */
  ensure(name: string): LabelClass {
    return this.byName(name) ?? this.create(name);
  }

  /** Change name, colour, hotkey or order. */
  update(id: number, patch: Partial<Pick<LabelClass, 'name' | 'color' | 'hotkey' | 'order'>>): LabelClass {
    const cur = this.byId(id);
    if (!cur) throw new Error(`no class ${id}`);
    if (patch.name !== undefined) assertValidName('class', patch.name);
    const next = { ...cur, ...patch };
    this.q.update.run(next.name, next.color, next.hotkey, next.order, id);
    return this.byId(id)!;
  }

  /** Delete a class; the caller deletes or moves its boxes first (foreign key RESTRICT). */
  remove(id: number): void {
    this.q.remove.run(id);
  }

  private freeHotkey(): string | null {
    const used = new Set((this.q.usedHotkeys.all() as { hotkey: string }[]).map((r) => r.hotkey));
    for (let k = 1; k <= 9; k++) if (!used.has(String(k))) return String(k);
    return null;
  }
}
