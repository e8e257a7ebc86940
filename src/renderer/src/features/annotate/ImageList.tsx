import { useEffect, useRef, useState } from 'react';
import type { LabelClass } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import type { Editor } from './core/editor';
import { plural } from '../../ui/plural';
import type { ImageListStore, ListFilter } from './image-list';

const ROW = 52;

/** The filter chips with their counts. */
function Filters({ list, classes }: { list: ImageListStore; classes: LabelClass[] }) {
  const c = list.counts;
  const f = list.filter;
  const chips: { label: string; filter: ListFilter; n?: number; on: boolean }[] = [
    { label: 'All', filter: { kind: 'all' }, n: c?.all, on: f.kind === 'all' },
    ...(['unlabeled', 'labeled', 'empty', 'reviewed'] as const).map((s) => ({
      label: s[0]!.toUpperCase() + s.slice(1),
      filter: { kind: 'status', status: s } as ListFilter,
      n: c?.[s],
      on: f.kind === 'status' && f.status === s,
    })),
    { label: 'Predictions', filter: { kind: 'pending' }, n: c?.pending, on: f.kind === 'pending' },
    ...(c?.removed || f.kind === 'removed'
      ? [
          {
            label: 'Removed',
            filter: { kind: 'removed' } as ListFilter,
            n: c?.removed,
            on: f.kind === 'removed',
          },
        ]
      : []),
  ];
  return (
    <div className="section">
      <h3>Images</h3>
      <SearchBox list={list} />
      {list.search.trim() && (
        <p className="hint search-count" data-testid="search-count">
          {plural(list.total, 'image')} match “{list.search.trim()}”
        </p>
      )}
      <div className="filters" data-testid="filters">
        {chips.map((ch) => (
          <button
            key={ch.label}
            className={`chip ${ch.on ? 'on' : ''}`}
            onClick={() => void list.setFilter(ch.filter)}
          >
            {ch.label}
            {ch.n !== undefined && <span className="n">{ch.n}</span>}
          </button>
        ))}
        <select
          aria-label="filter by class"
          value={f.kind === 'class' ? f.classId : ''}
          onChange={(e) =>
            void list.setFilter(
              e.target.value ? { kind: 'class', classId: Number(e.target.value) } : { kind: 'all' },
            )
          }
        >
          <option value="">by class…</option>
          {classes.map((cl) => (
            <option key={cl.id} value={cl.id}>
              {cl.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** Search by file name: the list narrows as the person types (debounced). */
function SearchBox({ list }: { list: ImageListStore }) {
  const [text, setText] = useState(list.search);
  useEffect(() => {
    if (text === list.search) return;
    const t = setTimeout(() => void list.setSearch(text), 150);
    return () => clearTimeout(t);
  }, [text, list]);
  return (
    <input
      type="search"
      className="search"
      placeholder="Search file names"
      aria-label="search file names"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') setText('');
      }}
    />
  );
}

/** The virtualized image list: only visible rows exist in the DOM, pages load as the person scrolls. */
export function ImageList(props: {
  conn: Connection;
  list: ImageListStore;
  editor: Editor;
  currentId: number | null;
  onOpen(id: number): void;
}) {
  const { list, editor, currentId } = props;
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setScroll({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scroll.top / ROW) - 5);
  const last = Math.min(list.total, Math.ceil((scroll.top + scroll.height) / ROW) + 5);
  useEffect(() => {
    void list.ensureRange(first, last);
  }, [first, last, list, list.version]);
  // Keep the current row in view when it changes from the keyboard.
  useEffect(() => {
    const i = currentId === null ? -1 : list.indexOf(currentId);
    const el = box.current;
    if (i < 0 || !el) return;
    if (i * ROW < el.scrollTop) el.scrollTop = i * ROW;
    else if ((i + 1) * ROW > el.scrollTop + el.clientHeight) el.scrollTop = (i + 1) * ROW - el.clientHeight;
  }, [currentId, list]);
  const rows = [];
  for (let i = first; i < last; i++) {
    const img = list.items[i];
    if (!img) {
      rows.push(<div key={`hole-${i}`} className="row hole" style={{ top: i * ROW }} />);
      continue;
    }
    const status = editor.doc.status(img.id) ?? img.status;
    const boxes = editor.doc.has(img.id) ? editor.doc.get(img.id) : null;
    const pending = boxes?.filter((b) => b.state === 'pending').length ?? 0;
    const name = img.path.split('/').pop();
    rows.push(
      <div
        key={img.id}
        className={`row ${img.id === currentId ? 'on' : ''}`}
        style={{ top: i * ROW }}
        onClick={() => props.onOpen(img.id)}
        data-testid="image-row"
        data-image-id={img.id}
        data-name={name}
      >
        <img src={props.conn.thumbUrl(img.id, 128)} loading="lazy" alt="" />
        <div className="meta">
          <div className="top">
            <div className="name" title={img.path}>
              {name}
            </div>
            {pending > 0 && (
              <span className="badge" title={`${plural(pending, 'prediction')} to review`}>
                {pending} pred
              </span>
            )}
          </div>
          <div className="sub">
            <span className={`dot ${status}`} />
            {img.removed ? 'removed' : status} · {boxes ? plural(boxes.length, 'box', 'boxes') : '… boxes'} ·{' '}
            {img.split}
          </div>
        </div>
      </div>,
    );
  }
  return (
    <aside className="side">
      <Filters list={list} classes={editor.doc.classes} />
      <div
        className="list"
        ref={box}
        onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
        data-testid="image-list"
      >
        <div style={{ height: list.total * ROW }} />
        {rows}
        {list.total === 0 && <div className="empty-state">No images match.</div>}
      </div>
    </aside>
  );
}
