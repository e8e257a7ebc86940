import { useEffect, useMemo, useState } from 'react';
import type { PrelabelReport, RunRowView } from '../../../../shared/api/runs-contract';
import {
  COCO_CLASSES,
  DEFAULT_PRELABEL_SCORE,
  suggestCocoMapping,
  type CocoMapping,
} from '../../../../shared/domain/coco-classes';
import type { Connection } from '../../api/client';
import { prelabelFailureMessage } from './prelabel-failure';

/** The select's value for the COCO-pretrained detector (run ids never take this form). */
const COCO = 'coco';

/** Project class -> COCO class ('' = not pre-labeled), the form the mapping step edits. */
type ClassChoice = Record<string, string>;

/** The suggested mapping (by name) as the mapping step shows it: one COCO class per project class. */
function suggestedChoice(classes: string[]): ClassChoice {
  const choice: ClassChoice = Object.fromEntries(classes.map((c) => [c, '']));
  for (const [coco, own] of Object.entries(suggestCocoMapping(classes))) choice[own] = coco;
  return choice;
}

/** The mapping step's choice as the API's mapping (COCO class -> project class). */
function toMapping(choice: ClassChoice): CocoMapping {
  const map: CocoMapping = {};
  for (const [own, coco] of Object.entries(choice)) if (coco && !(coco in map)) map[coco] = own;
  return map;
}

/**
 * Model-assisted labeling: pending predictions on unlabeled images, reviewed in Annotate (Enter accepts, X
 * rejects), from a finished run or, before any training, from the COCO-pretrained detector with a mapping step
 * from the project's classes to COCO's (pre-filled where the names match).
 */
export function PrelabelCard({
  conn,
  runs,
  nameOf,
  onDone,
}: {
  conn: Connection;
  runs: RunRowView[];
  nameOf(runId: string): string;
  onDone(imageIds: number[]): void;
}) {
  const done = runs.filter((r) => r.status === 'done');
  const [source, setSource] = useState('');
  // null: the default of the chosen model's kind, until a person types a score.
  const [typedScore, setScore] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const [classes, setClasses] = useState<string[]>([]);
  const [choice, setChoice] = useState<ClassChoice>({});
  useEffect(() => {
    void conn.api['classes.list']({}).then((list) => {
      const names = list.map((c) => c.name);
      setClasses(names);
      setChoice(suggestedChoice(names));
    });
  }, [conn]);
  const chosen = source || done[done.length - 1]?.id || COCO;
  const score = typedScore ?? DEFAULT_PRELABEL_SCORE[chosen === COCO ? 'coco' : 'run'];
  const mapping = useMemo(() => toMapping(choice), [choice]);
  const mapped = Object.keys(mapping).length;
  const go = async () => {
    setBusy(true);
    setMsg(null);
    try {
      const r: PrelabelReport = await conn.api['labeling.prelabel'](
        chosen === COCO
          ? { coco: { map: mapping }, scoreThreshold: score }
          : { runId: chosen, scoreThreshold: score },
      );
      setMsg(
        `Added ${r.boxes} pending box${r.boxes === 1 ? '' : 'es'} on ${r.images} unlabeled image${r.images === 1 ? '' : 's'}` +
          (r.skippedImages ? ` (${r.skippedImages} already had pending boxes)` : '') +
          (r.missingClasses.length
            ? `; dropped classes no longer in the project: ${r.missingClasses.join(', ')}`
            : '') +
          '. Review them in Annotate (filter “Predictions”): Enter accepts, X rejects. Pending boxes are not ground truth.',
      );
      onDone(r.imageIds);
    } catch (e) {
      setMsg(prelabelFailureMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="prelabel">
      <h2>Model-assisted labeling</h2>
      <div className="xrow">
        <label>
          Pre-label with{' '}
          <select aria-label="pre-label model" value={chosen} onChange={(e) => setSource(e.target.value)}>
            <option value={COCO}>the COCO detector (80 everyday classes, no training needed)</option>
            {done.map((r) => (
              <option key={r.id} value={r.id}>
                run {nameOf(r.id)} ({r.id})
              </option>
            ))}
          </select>
        </label>
        <label>
          score ≥{' '}
          <input
            type="number"
            aria-label="pre-label score"
            min={0}
            max={1}
            step={0.05}
            value={score}
            onChange={(e) => setScore(Math.min(1, Math.max(0, Number(e.target.value))))}
          />
        </label>
        <button
          className="primary"
          disabled={busy || (chosen === COCO && mapped === 0)}
          data-testid="prelabel-go"
          onClick={() => void go()}
        >
          {busy ? 'Predicting…' : 'Pre-label unlabeled images'}
        </button>
      </div>
      {chosen === COCO && (
        <div data-testid="prelabel-mapping">
          <p className="hint">
            Which COCO class pre-labels each of your classes (matched by name; change any that differ).
            Classes left at “not pre-labeled” get no boxes.
          </p>
          {classes.length === 0 ? (
            <p className="hint">The project has no classes yet: add them in Annotate first.</p>
          ) : (
            <table className="mini">
              <tbody>
                {classes.map((own) => (
                  <tr key={own}>
                    <td>{own}</td>
                    <td>
                      <select
                        aria-label={`COCO class for ${own}`}
                        value={choice[own] ?? ''}
                        onChange={(e) => setChoice({ ...choice, [own]: e.target.value })}
                      >
                        <option value="">not pre-labeled</option>
                        {COCO_CLASSES.map((c) => (
                          <option key={c} value={c}>
                            {c}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {classes.length > 0 && mapped === 0 && (
            <p className="hint">
              None of your classes is a COCO class by name: pick a COCO class for at least one.
            </p>
          )}
        </div>
      )}
      {msg && (
        <p className="hint" data-testid="prelabel-report">
          {msg}
        </p>
      )}
    </div>
  );
}
