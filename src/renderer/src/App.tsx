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

/** The save indicator: saved / saving / failed (retrying), always visible. */
function SaveIndicator({ editor }: { editor: Editor }) {
  const s = useSyncExternalStore(editor.queue.subscribe, () => editor.queue.status);
  const text =
    s.state === 'saved'
      ? 'All changes saved'
      : s.state === 'saving'
        ? `Saving… (${s.pending})`
        : `Save failed, retrying: ${s.error ?? ''}`;
  return (
    <span className={`save ${s.state}`} data-testid="save-status" data-state={s.state} title={s.error ?? ''}>
      {text}
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
  useEffect(() => {
    void Promise.all([editor.loadClasses(), list.setFilter({ kind: 'all' })]).then(() => setReady(true));
  }, [editor, list]);
  return (
    <div className="app">
      <header className="topbar">
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
        <SaveIndicator editor={editor} />
        <button onClick={onClose} title="back to projects">
          Projects
        </button>
      </header>
      {!ready ? (
        <div className="empty-state">Opening…</div>
      ) : tab === 'overview' ? (
        <OverviewView
          conn={conn}
          onOpen={(id) => {
            setOpenRequest((r) => ({ id, n: (r?.n ?? 0) + 1 }));
            setTab('annotate');
          }}
        />
      ) : tab === 'annotate' ? (
        <Workspace conn={conn} editor={editor} list={list} openRequest={openRequest} />
      ) : tab === 'train' ? (
        <TrainingPanel conn={conn} />
      ) : tab === 'experiments' ? (
        <ExperimentsView
          conn={conn}
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

/** The studio's root view: connect, then the project home or the open project. */
export function App() {
  const conn = useMemo(connect, []);
  const [info, setInfo] = useState<ProjectInfo | null>(null);
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    if ('error' in conn) return;
    conn.api['project.info']({}).then(
      (i) => {
        setInfo(i);
        rememberProject(i);
        setChecked(true);
      },
      (e: ApiError) => {
        if (e.code !== 'no-project') setError(e.message);
        setChecked(true);
      },
    );
    return conn.on('project.changed', (i) => {
      setInfo(i);
      setEpoch((n) => n + 1);
    });
  }, [conn]);
  if ('error' in conn) return <div className="empty-state">{conn.error}</div>;
  if (!checked) return <div className="empty-state">Connecting…</div>;
  if (!info)
    return (
      <ProjectHome
        conn={conn}
        error={error}
        onOpened={(i) => {
          rememberProject(i);
          setInfo(i);
          setEpoch((n) => n + 1);
        }}
      />
    );
  return <ProjectView key={`${info.id}-${epoch}`} conn={conn} info={info} onClose={() => setInfo(null)} />;
}
