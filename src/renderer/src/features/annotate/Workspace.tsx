import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ImageRecord, Split } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import { plural } from '../../ui/plural';
import { AnnotCanvas } from './canvas/AnnotCanvas';
import type { View } from './canvas/use-image';
import { ClassPanel } from './ClassPanel';
import { classKeyMap } from './core/class-keys';
import type { Editor } from './core/editor';
import { setImageRemoved, setImageSplit } from './core/image-commands';
import { pendingInOrder } from './core/review';
import { type Action, actionFor, DRAW_OVER_KEY } from './hotkeys';
import type { ImageListStore, ListItem } from './image-list';
import { ImageList } from './ImageList';
import { ObjectList } from './ObjectList';
import { ReviewPanel } from './ReviewPanel';
import { ImagePanel, SelectionPanel } from './SelectionPanel';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { useKeyHeld } from './use-modifier';
import { useReview } from './use-review';

/** Re-render when an external store (doc, list, save queue) changes. */
function useStore(s: { subscribe(fn: () => void): () => void }, get: () => unknown): void {
  useSyncExternalStore(s.subscribe, get);
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
}

/** Toggle one key in a set held in React state. */
const toggled = (s: ReadonlySet<string>, key: string) => {
  const n = new Set(s);
  if (!n.delete(key)) n.add(key);
  return n;
};

/** The labeling workspace: image list, canvas, classes, objects, review and the keyboard flow, over one Editor. */
export function Workspace({
  conn,
  editor,
  list,
  openRequest,
}: {
  conn: Connection;
  editor: Editor;
  list: ImageListStore;
  /** An image another view asked to open (the overview). */
  openRequest?: { id: number; n: number } | null;
}) {
  useStore(editor.doc, () => editor.doc.version);
  useStore(list, () => list.version);
  useStore(editor.queue, () => editor.queue.status);
  const [current, setCurrent] = useState<ListItem | ImageRecord | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [activeClass, setActiveClass] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const [fitSignal, setFitSignal] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [classCounts, setClassCounts] = useState(new Map<string, number>());
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [locked, setLocked] = useState<ReadonlySet<string>>(new Set());
  const [reveal, setReveal] = useState<{ key: string; n: number } | null>(null);
  const drawOver = useKeyHeld(DRAW_OVER_KEY.keys);
  const classes = editor.doc.classes;
  const classMap = useMemo(() => new Map(classes.map((c) => [c.id, c])), [classes]);
  const keyMap = useMemo(() => classKeyMap(classes), [classes]);
  const cls = activeClass !== null && classMap.has(activeClass) ? activeClass : (classes[0]?.id ?? null);
  const curId = current?.id ?? null;
  const boxes = curId !== null ? editor.doc.get(curId) : [];
  const removed = current !== null && 'removed' in current && current.removed;

  const open = useCallback(
    (img: ImageRecord | number) => {
      const rec = typeof img === 'number' ? list.get(img) : img;
      if (!rec) return;
      setCurrent(rec);
      setSelected(null);
      if (!editor.doc.has(rec.id)) void editor.loadImage(rec.id);
    },
    [editor, list],
  );
  const show = useCallback((key: string | null) => {
    setSelected(key);
    if (key) setReveal((r) => ({ key, n: (r?.n ?? 0) + 1 }));
  }, []);

  // Open the first image once the list has one; keep the open row's record fresh (split, removed).
  useEffect(() => {
    const first = list.items[0];
    if (!current && first) open(first);
  }, [current, list.items, open]);
  useEffect(() => {
    const fresh = curId !== null ? list.get(curId) : undefined;
    if (fresh && fresh !== current) setCurrent(fresh);
  }, [list.items, curId, current]);
  useEffect(() => {
    if (curId !== null && !editor.doc.has(curId)) void editor.loadImage(curId);
  });
  useEffect(() => {
    if (!openRequest) return;
    void conn.api['images.byIds']({ ids: [openRequest.id] }).then(([img]) => img && open(img));
  }, [openRequest, conn, open]);

  // Box counts per class for the class panel, refreshed after writes land.
  const status = editor.queue.status;
  useEffect(() => {
    if (status.state !== 'saved') return;
    const t = setTimeout(() => {
      void conn.api['project.stats']({}).then((s) =>
        setClassCounts(new Map(s.classes.map((c) => [c.name, c.count]))),
      );
      void list.refreshCounts();
    }, 300);
    return () => clearTimeout(t);
  }, [status.state, editor.doc.version, conn, list]);
  useEffect(() => {
    const r = editor.lastRejection;
    if (!status.rejected || !r) return;
    setNotice(
      r.reread === 'none'
        ? `Not saved: ${r.message}.`
        : `Not saved: ${r.message}. ${r.reread === 'image' ? 'The image was' : 'The images were'} re-read from the project.`,
    );
  }, [status.rejected, editor]);

  const step = useCallback(
    async (delta: number) => {
      const i = curId === null ? -1 : list.indexOf(curId);
      const j = i + delta;
      if (j < 0) return;
      await list.ensure(j);
      const next = list.items[j];
      if (next) open(next);
    },
    [curId, list, open],
  );

  const openAndShow = useCallback(
    async (img: ImageRecord, which: 'first' | 'last') => {
      open(img);
      if (!editor.doc.has(img.id)) await editor.loadImage(img.id);
      const order = pendingInOrder(editor.doc.get(img.id));
      const b = which === 'first' ? order[0] : order[order.length - 1];
      if (b) show(b.key);
    },
    [editor, open, show],
  );
  const review = useReview({ editor, list, current, selected, show, openAndShow, notify: setNotice });

  const pickClass = useCallback(
    (id: number) => {
      setActiveClass(id);
      if (selected && curId !== null) editor.relabel(curId, [selected], id);
    },
    [curId, editor, selected],
  );

  const changeSplit = (split: Split) => {
    if (!current) return;
    void setImageSplit(editor, current.id, current.split, split, async () => {
      list.patch(current.id, { split });
      await list.refresh();
    }).catch((e: Error) => setNotice(e.message));
  };
  const setRemoved = (remove: boolean) => {
    if (!current) return;
    const i = list.indexOf(current.id);
    void setImageRemoved(editor, current.id, remove, () => list.refresh())
      .then(async () => {
        // The open image left the list: open the one now in its place.
        if (list.indexOf(current.id) < 0) {
          const j = Math.min(i, list.total - 1);
          await list.ensure(j);
          const next = list.items[j];
          if (next) open(next);
          else setCurrent(null);
        }
      })
      .catch((e: Error) => setNotice(e.message));
  };

  const run = useCallback(
    async (a: Action) => {
      if (typeof a === 'object') {
        const id = keyMap.get(a.pickKey);
        return id === undefined ? setNotice(`No class has the key ${a.pickKey}.`) : pickClass(id);
      }
      if (a === 'help') return setHelp((h) => !h);
      if (a === 'undo' || a === 'redo') {
        const c = await (a === 'undo' ? editor.undo() : editor.redo());
        if (c?.imageId && c.imageId !== curId) {
          const [img] = await conn.api['images.byIds']({ ids: [c.imageId] });
          if (img) open(img);
        }
        return;
      }
      if (a === 'next') return step(1);
      if (a === 'prev') return step(-1);
      if (a === 'fit') return setFitSignal((n) => n + 1);
      if (a === 'deselect') return setSelected(null);
      if (a === 'nextPending') return review.step(1);
      if (a === 'prevPending') return review.step(-1);
      if (a === 'nextUnlabeled') {
        const img = await list.nextUnlabeled(current);
        if (img) open(img);
        else setNotice('No unlabeled images left.');
        return;
      }
      if (curId === null) return;
      const sel = selected ? editor.doc.find(curId, selected) : undefined;
      switch (a) {
        case 'cycle': {
          const shown = boxes.filter((b) => !hidden.has(b.key));
          if (!shown.length) return;
          const i = shown.findIndex((b) => b.key === selected);
          return show(shown[(i + 1) % shown.length]!.key);
        }
        case 'delete':
          if (sel && !locked.has(sel.key)) editor.deleteBoxes(curId, [sel.key]);
          return setSelected(null);
        case 'accept':
          return review.decide('accept');
        case 'reject':
          return review.decide('reject');
        case 'difficult':
        case 'truncated':
          if (sel) editor.toggleFlag(curId, sel.key, a);
          return;
        case 'copyPrev': {
          const i = list.indexOf(curId);
          if (i > 0) await list.ensure(i - 1);
          const prev = list.items[i - 1];
          if (!prev) return setNotice('No previous image to copy from.');
          if (!editor.doc.has(prev.id)) await editor.loadImage(prev.id);
          const n = editor.copyBoxes(curId, editor.doc.get(prev.id));
          return setNotice(n ? null : 'The previous image has no boxes to copy.');
        }
        case 'reviewed': {
          const st = editor.doc.status(curId);
          const back = boxes.some((b) => b.state === 'accepted') ? 'labeled' : 'unlabeled';
          return editor.setStatus(curId, st === 'reviewed' ? back : 'reviewed');
        }
        case 'empty':
          if (boxes.some((b) => b.state === 'accepted'))
            return setNotice('This image has boxes: delete them before marking it empty.');
          return editor.setStatus(curId, editor.doc.status(curId) === 'empty' ? 'unlabeled' : 'empty');
      }
    },
    [
      boxes,
      conn,
      current,
      curId,
      editor,
      hidden,
      keyMap,
      list,
      locked,
      open,
      pickClass,
      review,
      selected,
      show,
      step,
    ],
  );

  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || document.querySelector('.overlay:not([data-testid="shortcuts"])')) return;
      const a = actionFor(e);
      if (!a) return;
      if (help && a !== 'help' && a !== 'deselect') return;
      if (help && a === 'deselect') return setHelp(false);
      e.preventDefault();
      void runRef.current(a);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help]);

  useEffect(() => conn.on('menu.command', ({ command }) => void runRef.current(command as Action)), [conn]);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(t);
  }, [notice]);

  const drawColor = classMap.get(cls ?? -1)?.color ?? '#4c8dff';
  const st = curId !== null ? (editor.doc.status(curId) ?? current?.status) : undefined;
  const shownBoxes = useMemo(() => boxes.filter((b) => !hidden.has(b.key)), [boxes, hidden]);
  return (
    <div className="workspace">
      <ImageList conn={conn} list={list} editor={editor} currentId={curId} onOpen={open} />
      <section className="center">
        {notice && (
          <div className="banner" data-testid="notice" onClick={() => setNotice(null)}>
            {notice}
          </div>
        )}
        {removed && (
          <div className="banner info" data-testid="removed-banner">
            This image is removed from the project (kept with its boxes; not trained on or exported).{' '}
            <button data-testid="restore-image" onClick={() => setRemoved(false)}>
              Restore
            </button>
          </div>
        )}
        {current ? (
          <AnnotCanvas
            imageUrl={conn.imageUrl(current.id)}
            imageW={current.width}
            imageH={current.height}
            boxes={shownBoxes}
            classes={classMap}
            selectedKey={selected}
            locked={locked}
            drawOver={drawOver}
            reveal={reveal}
            drawColor={drawColor}
            fitSignal={fitSignal}
            onSelect={setSelected}
            onView={setView}
            onDraw={(b) => {
              if (cls === null) return setNotice('Create a class first (right panel).');
              const made = editor.drawBox(current.id, b, cls);
              if (made) setSelected(made.key);
            }}
            onChange={(key, b, label) => editor.moveBox(current.id, key, b, label)}
          />
        ) : (
          <div className="empty-state">
            {list.total === 0
              ? list.search || list.filter.kind !== 'all'
                ? 'No images match.'
                : 'No images yet: import some from the Dataset tab.'
              : 'Loading…'}
          </div>
        )}
        <div className="statusline" data-testid="statusline">
          {current && (
            <>
              <b>{current.path.split('/').pop()}</b>
              <span>
                {current.width}×{current.height}
              </span>
              <span data-testid="box-count">{plural(boxes.length, 'box', 'boxes')}</span>
              <span data-testid="image-status">{st}</span>
              <span>{current.split}</span>
              <span>{view ? Math.round(view.scale * 100) : 100}%</span>
              <span>
                {list.indexOf(current.id) + 1} / {list.total}
              </span>
            </>
          )}
          <span className="spacer" />
          {drawOver ? (
            <span className="mode" data-testid="draw-over-hint">
              {DRAW_OVER_KEY.label} held: drag draws, even on a box
            </span>
          ) : (
            <span>
              <kbd>{DRAW_OVER_KEY.label}</kbd>+drag draws over boxes · <kbd>?</kbd> shortcuts
            </span>
          )}
        </div>
      </section>
      <aside className="side right">
        <ClassPanel
          editor={editor}
          activeId={cls}
          counts={classCounts}
          onPick={pickClass}
          onError={setNotice}
        />
        <SelectionPanel editor={editor} imageId={curId} selectedKey={selected} classes={classes} run={run} />
        <ObjectList
          boxes={boxes}
          classes={classMap}
          selectedKey={selected}
          hidden={hidden}
          locked={locked}
          onSelect={show}
          onToggleHidden={(k) => {
            setHidden((h) => toggled(h, k));
            if (k === selected) setSelected(null);
          }}
          onToggleLocked={(k) => setLocked((l) => toggled(l, k))}
          onDelete={(k) => curId !== null && editor.deleteBoxes(curId, [k])}
        />
        <ReviewPanel
          classes={classes}
          pendingHere={boxes.filter((b) => b.state === 'pending').length}
          pendingImages={list.counts?.pending ?? 0}
          onStep={(d) => void review.step(d)}
          onBulk={(rule, scope) => review.bulk(rule, scope)}
        />
        <ImagePanel
          editor={editor}
          status={st}
          split={current?.split}
          removed={removed}
          run={run}
          onSplit={changeSplit}
          onRemove={() => setRemoved(!removed)}
        />
      </aside>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
