import { useState } from 'react';
import type { ProjectInfo } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import { TextField } from '../../ui/Field';
import { recentProjects } from './recent';

/** Project home when nothing is open: create a project, open one by folder, or pick a recent one. */
export function ProjectHome(props: {
  conn: Connection;
  error: string | null;
  onOpened(i: ProjectInfo): void;
}) {
  const { api } = props.conn;
  const [dir, setDir] = useState('');
  const [name, setName] = useState('');
  const [openDir, setOpenDir] = useState('');
  const [err, setErr] = useState<string | null>(props.error);
  const [busy, setBusy] = useState(false);
  const go = async (p: Promise<ProjectInfo>) => {
    setBusy(true);
    setErr(null);
    try {
      props.onOpened(await p);
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const recent = recentProjects();
  const where = props.conn.kind === 'web' ? "on the machine running 'ridge serve'" : 'on this computer';
  return (
    <div className="home" data-testid="home">
      <h1 style={{ margin: 0, fontSize: 22 }}>
        Ridge <span style={{ color: 'var(--accent)' }}>Studio</span>
      </h1>
      <p className="hint" style={{ margin: 0 }}>
        Label boxes on your images, train a detector and compare regularization. Folders are {where}.
      </p>
      {err && <div className="err">{err}</div>}
      <div className="grid2">
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void go(api['project.create']({ dir, ...(name ? { name } : {}) }));
          }}
        >
          <h2>New project</h2>
          <FolderField value={dir} onChange={setDir} ariaLabel="new project folder" />
          <TextField label="Name (optional)" value={name} onChange={setName} ariaLabel="new project name" />
          <button className="primary" disabled={!dir || busy} type="submit">
            Create project
          </button>
        </form>
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void go(api['project.open']({ dir: openDir }));
          }}
        >
          <h2>Open project</h2>
          <FolderField value={openDir} onChange={setOpenDir} ariaLabel="open project folder" />
          <button className="primary" disabled={!openDir || busy} type="submit">
            Open
          </button>
        </form>
      </div>
      {recent.length > 0 && (
        <div className="card">
          <h2>Recent</h2>
          {recent.map((r) => (
            <div key={r.dir} className="cls" onClick={() => void go(api['project.open']({ dir: r.dir }))}>
              <span className="nm">
                <b>{r.name}</b> <span className="hint">{r.dir}</span>
              </span>
              <span className="cnt">{new Date(r.at).toLocaleDateString()}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** The project-folder field both forms share (same label and example path). */
function FolderField(props: { value: string; onChange(value: string): void; ariaLabel: string }) {
  return <TextField label="Folder" placeholder="/data/my-project" {...props} />;
}
