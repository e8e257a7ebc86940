// Short names a person can read and tell apart ("l2 1e-4 · s1 · #7") for runs nobody named; the run id stays
// beside them for the CLI (`ridge predict --run <id>`).
import type { RunRowView } from '../../../../shared/api/runs-contract';
import type { RegMode } from '../../../../shared/domain/runs';
import { formatLambda } from '../training/reg-help';

/** A mode and its strength in the one notation of the Train panel: "none", "l2 1e-4", "dropout 0.2". */
export function armLabel(reg: RegMode, lambda: number): string {
  return reg === 'none' ? 'none' : `${reg} ${formatLambda(reg, lambda)}`;
}

/** "arm · s<seed> · #<n>", n counting runs in creation order from 1 (the order `rows` comes in). */
export function shortRunNames(rows: readonly RunRowView[]): Map<string, string> {
  return new Map(rows.map((r, i) => [r.id, `${armLabel(r.reg, r.lambda)} · s${r.seed} · #${i + 1}`]));
}

/** The name a run is shown by: the one a person gave it, else its short name, else its id. */
export function displayName(
  id: string,
  names: Readonly<Record<string, string>>,
  short: ReadonlyMap<string, string>,
): string {
  return names[id] || short.get(id) || id;
}
