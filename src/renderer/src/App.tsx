import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ProjectInfo } from '../../shared/domain/types';
import { connect, type Connection } from './api/client';
import type { ApiError } from '../../shared/api/errors';
import { Editor } from './features/annotate/core/editor';
import { ImageListStore } from './features/annotate/image-list';
import { Workspace } from './features/annotate/Workspace';
import { DatasetView } from './features/dataset/DatasetView';
import { ExperimentsView } from './features/experiments/ExperimentsView';
import { OverviewView } from './features/overview/OverviewView';
import { TrainingPanel } from './features/training/TrainingPanel';
import { ProjectHome } from './features/projects/ProjectHome';
import { rememberProject } from './features/projects/recent';
import {
  LinkBadge,
  LinkOverlay,
  OfflineBanner,
  TokenRefused,
  useLinkState,
} from './features/connection/LinkViews';
import { useSaveJournal } from './features/connection/use-save-journal';
import type { LinkState } from './api/ws-transport';
import { plural } from './ui/plural';

/**
 * The save indicator, always visible: saved / saving / offline (the edits wait in this browser) / failed (with
 * the reason, retried with back-off, and a Retry button to try at once) / waiting (another process holds the
 * project's write lock: retried until it lands).
 */
function SaveIndicator({ editor, link }: { editor: Editor; link: LinkState }) {
  const s = useSyncExternalStore(editor.queue.subscribe, () => editor.queue.status);
  // A write lock held by another process (a CLI import, say) is a wait, not a failure: it is retried until it lands.
  const state =
    s.pending > 0 && link !== 'connected'
      ? 'offline'
      : s.state === 'failed' && s.errorCode === 'busy'
        ? 'waiting'
        : s.state;
  const edits = plural(s.pending, 'edit');
  const text =
    state === 'saved'
      ? 'All changes saved'
      : state === 'saving'
        ? `Saving… (${s.pending})`
        : state === 'offline'
          ? `${edits} waiting, kept in this browser`
          : state === 'waiting'
            ? `Waiting for another writer (${edits} waiting)`
            : `Save failed (${edits} waiting): ${s.error ?? ''}`;
  return (
    <span className={`save ${state}`} data-testid="save-status" data-state={state} title={s.error ?? ''}>
      {text}
      {state === 'failed' && (
        <button className="retry" onClick={() => editor.queue.retryNow()}>
          Retry
        </button>
      )}
    </span>
  );
}

const TABS = ['overview', 'annotate', 'dataset', 'train', 'experiments'] as const;
type Tab = (typeof TABS)[number];

/** The tab to show: the one this browser tab last had open in this project (a reload stays), else the overview. */
function useTab(projectId: string): [Tab, (t: Tab) => void] {
  const key = `ridge.tab.${projectId}`;
  const [tab, set] = useState<Tab>(() => {
    const t = sessionStorage.getItem(key) as Tab | null;
    return t && TABS.includes(t) ? t : 'overview';
  });
  return [
    tab,
    (t) => {
      sessionStorage.setItem(key, t);
      set(t);
    },
  ];
}

/** An open project: the editor and image list live as long as it does. */
function ProjectView({ conn, info, onClose }: { conn: Connection; info: ProjectInfo; onClose(): void }) {
  const [tab, setTab] = useTab(info.id);
  const [openRequest, setOpenRequest] = useState<{ id: number; n: number } | null>(null);
  const editor = useMemo(() => new Editor(conn.api), [conn]);
  const list = useMemo(() => new ImageListStore(conn.api, editor), [conn, editor]);
  const [ready, setReady] = useState(false);
  const openInAnnotate = (id: number) => {
    setOpenRequest((r) => ({ id, n: (r?.n ?? 0) + 1 }));
    setTab('annotate');
  };
  const link = useLinkState(conn.link);
  useEffect(() => {
    void Promise.all([editor.loadClasses(), list.setFilter({ kind: 'all' })]).then(() => setReady(true));
  }, [editor, list]);
  useSaveJournal(editor, info.id, (ids) => {
    void Promise.all(ids.map((id) => editor.loadImage(id))).then(() => list.setFilter(list.filter));
  });
  useEffect(() => {
    // A restarted server forgot this tab's session: re-open the project before the queued writes go out.
    conn.setResume?.(async (call) => void (await call('project.open', { dir: info.dir })));
    return () => conn.setResume?.(null);
  }, [conn, info.dir]);
  return (
    <div className="app">
      <OfflineBanner state={link} />
      <TokenRefused state={link} />
      <header className="topbar" data-connection={link}>
        <span className="brand">
          Ridge<span>Studio</span>
        </span>
        <span className="project" data-testid="project-name">
          {info.name}
        </span>
        <nav className="tabs">
          <button className={tab === 'overview' ? 'on' : ''} onClick={() => setTab('overview')}>
            Overview
          </button>
          <button
            className={tab === 'annotate' ? 'on' : ''}
            onClick={() => {
              // Pre-label may have added pending boxes while another tab was open.
              if (tab !== 'annotate') void list.setFilter(list.filter);
              setTab('annotate');
            }}
          >
            Annotate
          </button>
          <button className={tab === 'dataset' ? 'on' : ''} onClick={() => setTab('dataset')}>
            Dataset
          </button>
          <button className={tab === 'train' ? 'on' : ''} onClick={() => setTab('train')}>
            Train
          </button>
          <button className={tab === 'experiments' ? 'on' : ''} onClick={() => setTab('experiments')}>
            Experiments
          </button>
        </nav>
        <span className="spacer" />
        <LinkBadge state={link} />
        <SaveIndicator editor={editor} link={link} />
        <button onClick={onClose} title="back to projects">
          Projects
        </button>
      </header>
      {!ready ? (
        <div className="empty-state">Opening…</div>
      ) : tab === 'overview' ? (
        <OverviewView conn={conn} onOpen={openInAnnotate} />
      ) : tab === 'annotate' ? (
        <Workspace conn={conn} editor={editor} list={list} openRequest={openRequest} />
      ) : tab === 'train' ? (
        <TrainingPanel conn={conn} />
      ) : tab === 'experiments' ? (
        <ExperimentsView
          conn={conn}
          onOpenImage={openInAnnotate}
          onPrelabeled={(ids) =>
            void Promise.all(ids.map((id) => editor.loadImage(id))).then(() => list.setFilter(list.filter))
          }
        />
      ) : (
        <DatasetView
          conn={conn}
          onImported={() => {
            void editor.loadClasses();
            void list.setFilter(list.filter);
          }}
        />
      )}
    </div>
  );
}

/** Where a tab keeps the folder of the project it has open (sessionStorage: per tab, kept across a reload). */
const TAB_PROJECT_KEY = 'ridge.project-dir';

/** Before the first answer: what the link is doing, so a refused token or a server that is down is said at once. */
function Connecting({ conn }: { conn: Connection }) {
  const link = useLinkState(conn.link);
  return (
    <div className="app">
      <TokenRefused state={link} />
      <header className="topbar" data-connection={link}>
        <span className="brand">
          Ridge<span>Studio</span>
        </span>
        <span className="spacer" />
        <LinkBadge state={link} />
      </header>
      <div className="empty-state">
        {link === 'offline'
          ? 'The server is not answering; this page connects as soon as it is back.'
          : 'Connecting…'}
      </div>
    </div>
  );
}

/** The studio's root view: connect, then the project home or the open project. */
export function App() {
  const conn = useMemo(connect, []);
  const [info, setInfo] = useState<ProjectInfo | null>(null);
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if ('error' in conn) return;
    const opened = (i: ProjectInfo) => {
      setInfo(i);
      rememberProject(i);
      sessionStorage.setItem(TAB_PROJECT_KEY, i.dir);
      setChecked(true);
    };
    // A server restarted since this tab last loaded forgot its session: the tab re-opens the project it had.
    const reopen = (e: ApiError) => {
      const dir = sessionStorage.getItem(TAB_PROJECT_KEY);
      if (e.code === 'no-project' && dir) return conn.api['project.open']({ dir });
      throw e;
    };
    conn.api['project.info']({})
      .catch(reopen)
      .then(opened, (e: ApiError) => {
        if (e.code !== 'no-project') setError(e.message);
        setChecked(true);
      });
    return conn.on('project.changed', (i) => {
      setInfo(i);
      setEpoch((n) => n + 1);
    });
  }, [conn]);
  if ('error' in conn) return <div className="empty-state">{conn.error}</div>;
  if (!checked) return <Connecting conn={conn} />;
  if (!info)
    return (
      <>
        <LinkOverlay link={conn.link} />
        <ProjectHome
          conn={conn}
          error={error}
          onOpened={(i) => {
            rememberProject(i);
            setInfo(i);
            setEpoch((n) => n + 1);
          }}
        />
      </>
    );
  return <ProjectView key={`${info.id}-${epoch}`} conn={conn} info={info} onClose={() => setInfo(null)} />;
}
