import { type ImageStatus, type LabelClass, type Split, SPLITS } from '../../../../shared/domain/types';
import type { Editor } from './core/editor';
import type { Action } from './hotkeys';

/** The selected box's class, flags and geometry (image pixels), as fields and buttons. */
export function SelectionPanel(props: {
  editor: Editor;
  imageId: number | null;
  selectedKey: string | null;
  classes: LabelClass[];
  run(a: Action): void;
}) {
  const { editor, imageId, selectedKey, run } = props;
  const b = imageId !== null && selectedKey ? editor.doc.find(imageId, selectedKey) : undefined;
  const r = (n: number) => Math.round(n * 10) / 10;
  return (
    <div className="section" data-testid="selection">
      <h3>Selected box</h3>
      {b && imageId !== null ? (
        <>
          <div className="props">
            <span className="k">class</span>
            <select
              value={b.classId}
              onChange={(e) => editor.relabel(imageId, [b.key], Number(e.target.value))}
              aria-label="box class"
            >
              {props.classes.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <span className="k">x, y</span>
            <span data-testid="sel-xy">
              {r(b.x)}, {r(b.y)}
            </span>
            <span className="k">w × h</span>
            <span data-testid="sel-wh">
              {r(b.w)} × {r(b.h)}
            </span>
            <span className="k">state</span>
            <span>
              {b.state === 'pending'
                ? `prediction ${b.score !== null ? Math.round(b.score * 100) + '%' : ''}`
                : 'accepted'}
            </span>
          </div>
          <div className="btns" style={{ marginTop: 6 }}>
            <label>
              <input type="checkbox" checked={b.difficult} onChange={() => run('difficult')} /> difficult
            </label>
            <label>
              <input type="checkbox" checked={b.truncated} onChange={() => run('truncated')} /> truncated
            </label>
          </div>
          <div className="btns" style={{ marginTop: 6 }}>
            {b.state === 'pending' && (
              <>
                <button onClick={() => run('accept')}>Accept ⏎</button>
                <button onClick={() => run('reject')}>Reject X</button>
              </>
            )}
            {b.state !== 'pending' && (
              <button className="danger" onClick={() => run('delete')}>
                Delete
              </button>
            )}
          </div>
        </>
      ) : (
        <p className="hint">Drag on the image to draw; click a box to select it.</p>
      )}
    </div>
  );
}

/** The open image: status, split, removal, and the editing buttons. */
export function ImagePanel(props: {
  editor: Editor;
  status: ImageStatus | undefined;
  split: Split | undefined;
  removed: boolean;
  run(a: Action): void;
  onSplit(s: Split): void;
  onRemove(): void;
}) {
  const { editor, run } = props;
  return (
    <div className="section" data-testid="image-panel">
      <h3>Image</h3>
      <div className="props" style={{ marginBottom: 6 }}>
        <span className="k">split</span>
        <select
          aria-label="image split"
          value={props.split ?? ''}
          disabled={!props.split}
          onChange={(e) => props.onSplit(e.target.value as Split)}
        >
          {SPLITS.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div className="btns">
        <button onClick={() => run('reviewed')} title="R">
          {props.status === 'reviewed' ? 'Unmark reviewed' : 'Mark reviewed'}
        </button>
        <button onClick={() => run('empty')} title="E">
          {props.status === 'empty' ? 'Unmark empty' : 'Mark empty'}
        </button>
        <button onClick={() => run('copyPrev')} title="C">
          Copy previous
        </button>
        <button onClick={() => run('nextUnlabeled')} title="N">
          Next unlabeled
        </button>
      </div>
      <div className="btns" style={{ marginTop: 6 }}>
        <button onClick={() => run('undo')} disabled={!editor.history.canUndo}>
          Undo
        </button>
        <button onClick={() => run('redo')} disabled={!editor.history.canRedo}>
          Redo
        </button>
        <button onClick={() => run('fit')}>Fit</button>
        <button onClick={() => run('help')}>Shortcuts</button>
      </div>
      <div className="btns" style={{ marginTop: 6 }}>
        {props.removed ? (
          <button data-testid="restore-image-panel" onClick={props.onRemove}>
            Restore image
          </button>
        ) : (
          <button
            className="danger"
            data-testid="remove-image"
            disabled={!props.split}
            onClick={props.onRemove}
            title="Hide it from lists, stats, exports and training; its file and boxes are kept (Ctrl+Z undoes)"
          >
            Remove from project
          </button>
        )}
      </div>
    </div>
  );
}
