// Which runs may be pooled into arms of one comparison: those equal in every setting except the regularization
// mode, its strength and the seed (and the arm label, which only names mode and strength), trained on the same
// frozen data. The key iterates over the config object's own keys, so a setting added to the run config can
// never be forgotten here.
// The fields that may vary are the shared rule's (src/shared/domain/comparability.ts, which the services' studies
// use); this view keys the rows it is given (their display configs) and adds the frozen data's hash.
import type { RunRowView } from '../../../../shared/api/runs-contract';
import { ARM_FIELDS } from '../../../../shared/domain/comparability';

/** Config fields that may differ inside one comparison: they are what the arms and seeds vary. */
export const VARIED_FIELDS: readonly string[] = ARM_FIELDS;

/** A run as the comparability rule sees it: its config, its data and (when runs carry one) the trainer version. */
export interface ComparableRun {
  id: string;
  config: Readonly<Record<string, unknown>>;
  manifestHash: string;
  trainerVersion?: string | null;
}

/** Everything a run's comparison depends on, by name (the values the key is made of). */
export function comparedSettings(r: ComparableRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(r.config).sort())
    if (!VARIED_FIELDS.includes(k)) out[k] = JSON.stringify(r.config[k]);
  out.data = r.manifestHash;
  if (r.trainerVersion) out.trainerVersion = r.trainerVersion;
  return out;
}

/** Runs with equal keys may be pooled; any other difference makes them not comparable. */
export function comparableKey(r: ComparableRun): string {
  return JSON.stringify(comparedSettings(r));
}

/** An arm is a numeric (mode, strength): "l2=1e-4" and "l2=0.0001" are one arm, whatever their labels. */
export function armKey(r: Pick<RunRowView, 'reg' | 'lambda'>): string {
  return `${r.reg}:${r.lambda}`;
}

/** A run kept out of the comparison, with the settings in which it differs from the compared runs. */
export interface ApartRun {
  id: string;
  differs: { setting: string; value: string; compared: string }[];
}

/**
 * Split runs into the largest comparable group (ties: the group of the earliest run) and the others, each with
 * the settings that differ from that group.
 */
export function splitComparable(runs: readonly ComparableRun[]): { compared: string[]; apart: ApartRun[] } {
  const groups = new Map<string, ComparableRun[]>();
  for (const r of runs) {
    const k = comparableKey(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  let best: ComparableRun[] = [];
  for (const g of groups.values()) if (g.length > best.length) best = g;
  if (best.length === 0) return { compared: [], apart: [] };
  const ref = comparedSettings(best[0]!);
  const show = (v: string | undefined) => {
    if (v === undefined) return '–';
    try {
      return String(JSON.parse(v));
    } catch {
      return v;
    }
  };
  const apart = runs
    .filter((r) => !best.includes(r))
    .map((r) => {
      const mine = comparedSettings(r);
      const keys = [...new Set([...Object.keys(ref), ...Object.keys(mine)])];
      return {
        id: r.id,
        differs: keys
          .filter((k) => mine[k] !== ref[k])
          .map((k) =>
            k === 'data'
              ? { setting: 'data', value: 'another manifest', compared: 'the compared runs’' }
              : { setting: k, value: show(mine[k]), compared: show(ref[k]) },
          ),
      };
    });
  return { compared: best.map((r) => r.id), apart };
}
