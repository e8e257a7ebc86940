import { useState } from 'react';
import { EXPORT_FORMATS } from '../../../../shared/domain/formats';
import type { Connection } from '../../api/client';
import { SelectField, TextField } from '../../ui/Field';
import { ImportCard } from './ImportCard';
import './dataset.css';

/** Dataset page: import (uploads in a browser) and export (downloads); the figures are on the Overview page. */
export function DatasetView({ conn, onImported }: { conn: Connection; onImported(): void }) {
  return (
    <div className="dataset" data-testid="dataset">
      <ImportCard conn={conn} onDone={onImported} />
      <ExportCard conn={conn} />
    </div>
  );
}

function ExportCard({ conn }: { conn: Connection }) {
  const [format, setFormat] = useState<(typeof EXPORT_FORMATS)[number]>('coco');
  const [to, setTo] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  return (
    <div className="card" data-testid="export">
      <h2>Export</h2>
      <SelectField
        label="Format"
        value={format}
        options={EXPORT_FORMATS}
        onChange={setFormat}
        ariaLabel="export format"
      />
      {conn.exportUrl ? (
        <a href={conn.exportUrl(format)} download>
          <button className="primary">Download {format} (.tar)</button>
        </a>
      ) : (
        <>
          <TextField label="To folder" value={to} onChange={setTo} ariaLabel="export folder" />
          <button
            className="primary"
            disabled={!to}
            onClick={() =>
              void conn.api['datasets.export']({ format, to }).then(
                (r) => setMsg(`Wrote ${r.images} images, ${r.annotations} boxes to ${r.dir}`),
                (e: Error) => setMsg(e.message),
              )
            }
          >
            Export
          </button>
        </>
      )}
      {msg && <p className="hint">{msg}</p>}
    </div>
  );
}
