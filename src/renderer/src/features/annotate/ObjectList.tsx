import type { LabelClass } from '../../../../shared/domain/types';
import { EyeIcon, LockIcon } from '../../ui/icons';
import type { DocBox } from './core/types';

/**
 * The boxes of the open image as rows (CVAT's object list): a click selects a box; each can be hidden (not
 * drawn), locked (never moved or resized; a drag on it draws instead) or deleted. Hide and lock are views, not
 * edits: they are not saved and not in the undo history.
 */
export function ObjectList(props: {
  boxes: readonly DocBox[];
  classes: ReadonlyMap<number, LabelClass>;
  selectedKey: string | null;
  hidden: ReadonlySet<string>;
  locked: ReadonlySet<string>;
  onSelect(key: string): void;
  onToggleHidden(key: string): void;
  onToggleLocked(key: string): void;
  onDelete(key: string): void;
}) {
  const { boxes, classes } = props;
  return (
    <div className="section objects" data-testid="objects">
      <h3>Objects ({boxes.length})</h3>
      {boxes.length === 0 && <p className="hint">No boxes on this image.</p>}
      <div className="object-rows">
        {boxes.map((b, i) => {
          const c = classes.get(b.classId);
          const hidden = props.hidden.has(b.key);
          const locked = props.locked.has(b.key);
          return (
            <div
              key={b.key}
              className={`obj ${b.key === props.selectedKey ? 'on' : ''} ${hidden ? 'hidden' : ''}`}
              data-testid="object-row"
              data-key={b.key}
              onClick={() => !hidden && props.onSelect(b.key)}
            >
              <span className="sw" style={{ background: c?.color ?? '#ccc' }} />
              <span className="nm">
                {i + 1}. {c?.name ?? '?'}
                {b.state === 'pending' && (
                  <span className="score">
                    {' '}
                    {b.score !== null ? `${Math.round(b.score * 100)}%` : 'prediction'}
                  </span>
                )}
              </span>
              <span className="acts" onClick={(e) => e.stopPropagation()}>
                <button
                  aria-label={hidden ? 'show' : 'hide'}
                  title={hidden ? 'show' : 'hide'}
                  className={hidden ? 'on' : ''}
                  onClick={() => props.onToggleHidden(b.key)}
                >
                  <EyeIcon off={hidden} />
                </button>
                <button
                  aria-label={locked ? 'unlock' : 'lock'}
                  title={locked ? 'unlock' : 'lock (no move or resize)'}
                  className={locked ? 'on' : ''}
                  onClick={() => props.onToggleLocked(b.key)}
                >
                  <LockIcon open={!locked} />
                </button>
                <button
                  aria-label="delete box"
                  title="delete"
                  className="danger"
                  onClick={() => props.onDelete(b.key)}
                >
                  ✕
                </button>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
