import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ImageRecord } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import { AnnotCanvas } from './canvas/AnnotCanvas';
import type { View } from './canvas/use-image';
import { ClassPanel } from './ClassPanel';
import type { Editor } from './core/editor';
import { type Action, actionFor } from './hotkeys';
import type { ImageListStore } from './image-list';
import { ImageList } from './ImageList';
import { SelectionPanel } from './SelectionPanel';
import { ShortcutsOverlay } from './ShortcutsOverlay';

/** Re-render when an external store (doc, list, save queue) changes. */
function useStore(s: { subscribe(fn: () => void): () => void }, get: () => unknown): void {
  useSyncExternalStore(s.subscribe, get);
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA');
}

/** The labeling workspace: image list, canvas, classes and the keyboard flow, over one Editor. */
export function Workspace({
  conn,
  editor,
  list,
}: {
  conn: Connection;
  editor: Editor;
  list: ImageListStore;
}) {
  useStore(editor.doc, () => editor.doc.version);
  useStore(list, () => list.version);
  useStore(editor.queue, () => editor.queue.status);
  const [current, setCurrent] = useState<ImageRecord | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [activeClass, setActiveClass] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const [fitSignal, setFitSignal] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [classCounts, setClassCounts] = useState(new Map<string, number>());
  const classes = editor.doc.classes;
  const classMap = useMemo(() => new Map(classes.map((c) => [c.id, c])), [classes]);
  const cls = activeClass !== null && classMap.has(activeClass) ? activeClass : (classes[0]?.id ?? null);
  const curId = current?.id ?? null;
  const boxes = curId !== null ? editor.doc.get(curId) : [];

  const open = useCallback(
    (img: ImageRecord | number) => {
      const rec = typeof img === 'number' ? list.items.find((i) => i.id === img) : img;
      if (!rec) return;
      setCurrent(rec);
      setSelected(null);
      if (!editor.doc.has(rec.id)) void editor.loadImage(rec.id);
    },
    [editor, list],
  );

  // Open the first image once the list has one; reload an image the doc forgot (after a class merge/delete).
  useEffect(() => {
    if (!current && list.items[0]) open(list.items[0]);
  }, [current, list.items, open]);
  useEffect(() => {
    if (curId !== null && !editor.doc.has(curId)) void editor.loadImage(curId);
  });

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
    if (status.rejected) setNotice(`Not saved: ${status.rejected}. The image was re-read from the project.`);
  }, [status.rejected]);

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

  const run = useCallback(
    async (a: Action) => {
      if (typeof a === 'object') {
        const c = classes[a.pickClass];
        if (!c) return;
        setActiveClass(c.id);
        if (selected && curId !== null) editor.relabel(curId, [selected], c.id);
        return;
      }
      if (a === 'help') return setHelp((h) => !h);
      if (a === 'undo' || a === 'redo') {
        const c = await (a === 'undo' ? editor.undo() : editor.redo());
        if (c?.imageId && c.imageId !== curId) open(c.imageId);
        return;
      }
      if (a === 'next') return step(1);
      if (a === 'prev') return step(-1);
      if (a === 'fit') return setFitSignal((n) => n + 1);
      if (a === 'deselect') return setSelected(null);
      if (a === 'nextUnlabeled') {
        await editor.queue.idle();
        const img = await list.nextUnlabeled(curId ?? 0);
        if (img) open(img);
        else setNotice('No unlabeled images left.');
        return;
      }
      if (curId === null) return;
      const sel = selected ? editor.doc.find(curId, selected) : undefined;
      const pending = sel?.state === 'pending' ? sel : boxes.find((b) => b.state === 'pending');
      switch (a) {
        case 'cycle': {
          if (!boxes.length) return;
          const i = boxes.findIndex((b) => b.key === selected);
          return setSelected(boxes[(i + 1) % boxes.length]!.key);
        }
        case 'delete':
          if (sel) editor.deleteBoxes(curId, [sel.key]);
          return setSelected(null);
        case 'accept':
          if (pending) editor.acceptPending(curId, [pending.key]);
          return;
        case 'reject':
          if (pending) editor.deleteBoxes(curId, [pending.key], 'reject prediction');
          return;
        case 'difficult':
        case 'truncated':
          if (sel) editor.toggleFlag(curId, sel.key, a);
          return;
        case 'copyPrev': {
          const i = list.indexOf(curId);
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
    [boxes, classes, curId, editor, list, open, selected, step],
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
  return (
    <div className="workspace">
      <ImageList conn={conn} list={list} editor={editor} currentId={curId} onOpen={open} />
      <section className="center">
        {notice && (
          <div className="banner" data-testid="notice" onClick={() => setNotice(null)}>
            {notice}
          </div>
        )}
        {current ? (
          <AnnotCanvas
            imageUrl={conn.imageUrl(current.id)}
            imageW={current.width}
            imageH={current.height}
            boxes={boxes}
            classes={classMap}
            selectedKey={selected}
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
            {list.total === 0 ? 'No images yet: import some from the Dataset tab.' : 'Loading…'}
          </div>
        )}
        <div className="statusline" data-testid="statusline">
          {current && (
            <>
              <b>{current.path.split('/').pop()}</b>
              <span>
                {current.width}×{current.height}
              </span>
              <span>{boxes.length} boxes</span>
              <span data-testid="image-status">{st}</span>
              <span>{view ? Math.round(view.scale * 100) : 100}%</span>
              <span>
                {list.indexOf(current.id) + 1} / {list.total}
              </span>
            </>
          )}
          <span className="spacer" />
          <span>
            <kbd>?</kbd> shortcuts
          </span>
        </div>
      </section>
      <aside className="side right">
        <ClassPanel
          editor={editor}
          activeId={cls}
          counts={classCounts}
          onPick={(id) => run({ pickClass: classes.findIndex((c) => c.id === id) })}
          onError={setNotice}
        />
        <SelectionPanel
          editor={editor}
          imageId={curId}
          selectedKey={selected}
          classes={classes}
          run={run}
          status={st}
        />
      </aside>
      {help && <ShortcutsOverlay onClose={() => setHelp(false)} />}
    </div>
  );
}
