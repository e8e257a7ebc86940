import type Database from 'better-sqlite3';
import type { StudyRecord } from '../../../../shared/domain/study';
import { nowIso } from './rows';

interface StudyRow {
  id: string;
  name: string;
  base_json: string;
  arms_json: string;
  seeds: number;
  baseline: string;
  manifest_hash: string;
  created_at: string;
  cancelled_at: string | null;
}

function toStudy(r: StudyRow): StudyRecord {
  return {
    id: r.id,
    name: r.name,
    base: JSON.parse(r.base_json) as Record<string, unknown>,
    arms: JSON.parse(r.arms_json) as StudyRecord['arms'],
    seeds: r.seeds,
    baseline: r.baseline,
    manifestHash: r.manifest_hash,
    createdAt: r.created_at,
    cancelledAt: r.cancelled_at,
  };
}

/** All SQL on studies (their runs are in RunRepo, linked by study_id). */
export class StudyRepo {
  private readonly q;
  constructor(db: Database.Database) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO study (id, name, base_json, arms_json, seeds, baseline, manifest_hash, created_at)
         VALUES (@id, @name, @base, @arms, @seeds, @baseline, @manifestHash, @now)`,
      ),
      byId: db.prepare('SELECT * FROM study WHERE id = ?'),
      list: db.prepare('SELECT * FROM study ORDER BY created_at, rowid'),
      cancel: db.prepare('UPDATE study SET cancelled_at = coalesce(cancelled_at, ?) WHERE id = ?'),
      uncancel: db.prepare('UPDATE study SET cancelled_at = NULL WHERE id = ?'),
      remove: db.prepare('DELETE FROM study WHERE id = ?'),
    };
  }

  /** Store a new study (its runs are created next, in the same transaction). */
  insert(s: Omit<StudyRecord, 'createdAt' | 'cancelledAt'>): StudyRecord {
    this.q.insert.run({
      id: s.id,
      name: s.name,
      base: JSON.stringify(s.base),
      arms: JSON.stringify(s.arms),
      seeds: s.seeds,
      baseline: s.baseline,
      manifestHash: s.manifestHash,
      now: nowIso(),
    });
    return this.byId(s.id)!;
  }

  /** One study, or undefined. */
  byId(id: string): StudyRecord | undefined {
    const r = this.q.byId.get(id) as StudyRow | undefined;
    return r && toStudy(r);
  }

  /** Studies oldest first. */
  list(): StudyRecord[] {
    return (this.q.list.all() as StudyRow[]).map(toStudy);
  }

  /** Record that a person cancelled the study as a whole. */
  markCancelled(id: string): void {
    this.q.cancel.run(nowIso(), id);
  }

  /** A person resumed the study: it is no longer cancelled as a whole. */
  markResumed(id: string): void {
    this.q.uncancel.run(id);
  }

  /** Delete the record; its runs' rows go with it (ON DELETE CASCADE). */
  remove(id: string): void {
    this.q.remove.run(id);
  }
}
