import { useEffect, useState } from 'react';
import type { ProjectInfo } from '../../shared/domain/types';
import { electronApi } from './api/client';

/** The studio's root view; the labeling workspace and experiment views grow from here. */
export function App() {
  const [info, setInfo] = useState<ProjectInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const api = electronApi();
    if (!api) return;
    api['project.info']({}).then(setInfo, (e: Error) => setError(e.message));
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Ridge Studio</h1>
      {info ? <p>Project: {info.name}</p> : <p>{error ?? 'Open or create a project to start labeling.'}</p>}
    </main>
  );
}
