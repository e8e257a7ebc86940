import { useState } from 'react';
import type { LabelClass } from '../../../../shared/domain/types';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { renumberPlan } from './core/class-keys';
import { deleteClass, mergeClasses, renumberClasses, updateClasses } from './core/class-commands';
import type { Editor } from './core/editor';

/**
 * Classes: pick (by their key 1-9), create, rename, recolor, reorder, merge and delete (with a count and a
 * confirm). A class keeps its key when others change; "Renumber" gives keys in list order again.
 */
export function ClassPanel(props: {
  editor: Editor;
  activeId: number | null;
  counts: Map<string, number>;
  onPick(id: number): void;
  onError(msg: string): void;
}) {
  const { editor, counts } = props;
  const classes = editor.doc.classes;
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'delete' | 'merge'; cls: LabelClass; into?: number } | null>(
    null,
  );
  const run = (p: Promise<unknown>) => p.catch((e: Error) => props.onError(e.message));

  const move = (c: LabelClass, dir: -1 | 1) => {
    const order = [...classes];
    const i = order.findIndex((x) => x.id === c.id);
    const j = i + dir;
    if (j < 0 || j >= order.length) return;
    [order[i], order[j]] = [order[j]!, order[i]!];
    void run(
      updateClasses(editor, async (api) => {
        for (const [k, cl] of order.entries())
          if (cl.order !== k) await api['classes.update']({ id: cl.id, order: k });
      }),
    );
  };

  return (
    <div className="section" data-testid="classes">
      <h3>Classes</h3>
      {classes.map((c) => (
        <div
          key={c.id}
          className={`cls ${c.id === props.activeId ? 'on' : ''}`}
          onClick={() => props.onPick(c.id)}
          data-testid="class-row"
        >
          <span className="key" title={c.hotkey ? `press ${c.hotkey}` : 'no key'}>
            {c.hotkey ?? ''}
          </span>
          <input
            type="color"
            value={c.color}
            title="colour"
            onClick={(e) => e.stopPropagation()}
            onChange={(e) =>
              void run(
                updateClasses(editor, (api) =>
                  api['classes.update']({ id: c.id, color: e.target.value }).then(() => undefined),
                ),
              )
            }
          />
          {editing === c.id ? (
            <input
              type="text"
              autoFocus
              defaultValue={c.name}
              onClick={(e) => e.stopPropagation()}
              onKeyDown={(e) => {
                e.stopPropagation();
                if (e.key === 'Escape') setEditing(null);
                if (e.key === 'Enter') {
                  const v = e.currentTarget.value.trim();
                  setEditing(null);
                  if (v && v !== c.name)
                    void run(
                      updateClasses(editor, (api) =>
                        api['classes.update']({ id: c.id, name: v }).then(() => undefined),
                      ),
                    );
                }
              }}
              onBlur={() => setEditing(null)}
            />
          ) : (
            <span className="nm" onDoubleClick={() => setEditing(c.id)} title="double-click to rename">
              {c.name}
            </span>
          )}
          <span className="cnt">{counts.get(c.name) ?? 0}</span>
          <span className="acts" onClick={(e) => e.stopPropagation()}>
            <button title="move up" onClick={() => move(c, -1)}>
              ↑
            </button>
            <button title="move down" onClick={() => move(c, 1)}>
              ↓
            </button>
            <button title="rename" onClick={() => setEditing(c.id)}>
              ✎
            </button>
            <button title="merge into…" onClick={() => setConfirm({ kind: 'merge', cls: c })}>
              ⇢
            </button>
            <button title="delete" className="danger" onClick={() => setConfirm({ kind: 'delete', cls: c })}>
              ✕
            </button>
          </span>
        </div>
      ))}
      {renumberPlan(classes).length > 0 && (
        <button
          className="link"
          data-testid="renumber-classes"
          title="Give the keys 1-9 to the classes in list order"
          onClick={() => void run(renumberClasses(editor))}
        >
          Renumber keys 1–9 in list order
        </button>
      )}
      <form
        className="row-form"
        onSubmit={(e) => {
          e.preventDefault();
          const v = name.trim();
          if (!v) return;
          setName('');
          void run(updateClasses(editor, (api) => api['classes.create']({ name: v }).then(() => undefined)));
        }}
      >
        <input
          type="text"
          placeholder="new class"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()}
          aria-label="new class name"
        />
        <button type="submit">Add</button>
      </form>
      {confirm?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete class “${confirm.cls.name}”?`}
          body={`This deletes ${counts.get(confirm.cls.name) ?? 0} box(es) of this class. You can undo it (Ctrl+Z).`}
          confirmLabel="Delete class"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            void run(deleteClass(editor, confirm.cls.id));
          }}
        />
      )}
      {confirm?.kind === 'merge' && (
        <ConfirmDialog
          title={`Merge “${confirm.cls.name}” into…`}
          body={`${counts.get(confirm.cls.name) ?? 0} box(es) move to the class you pick; “${confirm.cls.name}” is removed. You can undo it.`}
          confirmLabel="Merge"
          disabled={!confirm.into}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            if (confirm.into) void run(mergeClasses(editor, confirm.cls.id, confirm.into));
          }}
        >
          <select
            aria-label="merge target"
            value={confirm.into ?? ''}
            onChange={(e) => setConfirm({ ...confirm, into: Number(e.target.value) || undefined })}
          >
            <option value="">pick a class</option>
            {classes
              .filter((x) => x.id !== confirm.cls.id)
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
          </select>
        </ConfirmDialog>
      )}
    </div>
  );
}
