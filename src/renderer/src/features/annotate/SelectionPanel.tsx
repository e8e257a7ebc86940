import type { ImageStatus, LabelClass } from '../../../../shared/domain/types';
import type { Editor } from './core/editor';
import type { Action } from './hotkeys';

/** The selected box's class, flags and geometry (image pixels), and the image actions, as buttons. */
export function SelectionPanel(props: {
  editor: Editor;
  imageId: number | null;
  selectedKey: string | null;
  classes: LabelClass[];
  status: ImageStatus | undefined;
  run(a: Action): void;
}) {
  const { editor, imageId, selectedKey, run } = props;
  const b = imageId !== null && selectedKey ? editor.doc.find(imageId, selectedKey) : undefined;
  const r = (n: number) => Math.round(n * 10) / 10;
  return (
    <>
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
              {b.state === 'pending' && <button onClick={() => run('accept')}>Accept ⏎</button>}
              <button className="danger" onClick={() => run('delete')}>
                Delete
              </button>
            </div>
          </>
        ) : (
          <p className="hint">Drag on the image to draw; click a box to select it.</p>
        )}
      </div>
      <div className="section">
        <h3>Image</h3>
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
      </div>
    </>
  );
}
