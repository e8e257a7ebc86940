import { useState } from 'react';
import type { LabelClass } from '../../../../shared/domain/types';
import type { BulkRule } from './core/review';
import type { ReviewScope } from './use-review';

/**
 * Reviewing predictions in bulk: accept every pending box at or above a score, reject every one below it, on this
 * image or on all, for one class or all (each one undo step); and step through them one by one.
 */
export function ReviewPanel(props: {
  classes: readonly LabelClass[];
  pendingHere: number;
  pendingImages: number;
  onStep(dir: 1 | -1): void;
  onBulk(rule: BulkRule, scope: ReviewScope): Promise<number>;
}) {
  const [threshold, setThreshold] = useState('0.5');
  const [classId, setClassId] = useState<number | null>(null);
  const [scope, setScope] = useState<ReviewScope>('image');
  const [result, setResult] = useState<{ text: string; n: number } | null>(null);
  const bulk = (side: BulkRule['side']) =>
    void props.onBulk(rule(side), scope).then((n) =>
      setResult((r) => ({
        text: `${side === 'above' ? 'Accepted' : 'Rejected'} ${n} prediction${n === 1 ? '' : 's'}${n ? ' (Ctrl+Z undoes)' : ''}.`,
        n: (r?.n ?? 0) + 1,
      })),
    );
  if (props.pendingHere === 0 && props.pendingImages === 0) return null;
  const t = Number(threshold);
  const valid = threshold.trim() !== '' && Number.isFinite(t) && t >= 0 && t <= 1;
  const rule = (side: BulkRule['side']): BulkRule => ({ side, threshold: t, classId });
  return (
    <div className="section review" data-testid="review">
      <h3>
        Predictions · {props.pendingHere} here · {props.pendingImages} image
        {props.pendingImages === 1 ? '' : 's'}
      </h3>
      {props.pendingHere > 0 && (
        <p className="hint" data-testid="review-hint">
          <kbd>Enter</kbd> accept, <kbd>X</kbd> reject the selected one, then select the next. Nothing
          selected: they select the best one first, never acting unseen. <kbd>]</kbd> <kbd>[</kbd> next,
          previous (across images).
        </p>
      )}
      <div className="btns">
        <button data-testid="prev-pending" onClick={() => props.onStep(-1)}>
          ◀ Previous
        </button>
        <button data-testid="next-pending" onClick={() => props.onStep(1)}>
          Next ▶
        </button>
      </div>
      <div className="props review-form">
        <span className="k">score</span>
        <input
          type="text"
          inputMode="decimal"
          aria-label="score threshold"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()}
        />
        <span className="k">class</span>
        <select
          aria-label="review class"
          value={classId ?? ''}
          onChange={(e) => setClassId(e.target.value ? Number(e.target.value) : null)}
        >
          <option value="">all classes</option>
          {props.classes.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <span className="k">on</span>
        <select
          aria-label="review scope"
          value={scope}
          onChange={(e) => setScope(e.target.value as ReviewScope)}
        >
          <option value="image">this image</option>
          <option value="all">all images</option>
        </select>
      </div>
      {!valid && <p className="err">The score is a number from 0 to 1.</p>}
      <div className="btns" style={{ marginTop: 6 }}>
        <button data-testid="accept-above" disabled={!valid} onClick={() => bulk('above')}>
          Accept ≥ {valid ? t : '…'}
        </button>
        <button data-testid="reject-below" className="danger" disabled={!valid} onClick={() => bulk('below')}>
          Reject &lt; {valid ? t : '…'}
        </button>
      </div>
      {result && (
        <p className="hint" data-testid="review-result" data-n={result.n}>
          {result.text}
        </p>
      )}
    </div>
  );
}
