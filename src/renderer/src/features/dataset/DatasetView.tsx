import { useState } from 'react';
import type { ImportReport } from '../../../../shared/api/contract';
import { EXPORT_FORMATS, IMPORT_FORMATS, type ImportFormat } from '../../../../shared/domain/formats';
import type { Connection } from '../../api/client';
import { SelectField, TextField } from '../../ui/Field';

/** Dataset page: import (uploads in a browser) and export (downloads); the figures are on the Overview page. */
export function DatasetView({ conn, onImported }: { conn: Connection; onImported(): void }) {
  return (
    <div className="dataset" data-testid="dataset">
      <ImportCard conn={conn} onDone={onImported} />
      <ExportCard conn={conn} />
    </div>
  );
}

function ImportCard({ conn, onDone }: { conn: Connection; onDone(): void }) {
  const [format, setFormat] = useState<ImportFormat>('images');
  const [files, setFiles] = useState<File[]>([]);
  const [path, setPath] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    setReport(null);
    try {
      let from = path;
      let discard: (() => Promise<void>) | null = null;
      if (conn.upload) {
        setMsg(`uploading 0 / ${files.length}`);
        const up = await conn.upload(
          files.map((f) => ({ path: f.webkitRelativePath || f.name, blob: f })),
          (n) => setMsg(`uploading ${n} / ${files.length}`),
        );
        discard = up.discard;
        const json = files.filter((f) => f.name.endsWith('.json'));
        const single = (format === 'coco' || format === 'createml') && json.length === 1;
        from = single ? `${up.dir}/${json[0]!.webkitRelativePath || json[0]!.name}` : up.dir;
      }
      setMsg('importing…');
      setReport(await conn.api['datasets.import']({ format, from, skipBad: true }));
      await discard?.();
      setMsg(null);
      onDone();
    } catch (e) {
      setMsg(`Import failed: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="card" data-testid="import">
      <h2>Import</h2>
      <SelectField
        label="Format"
        value={format}
        options={IMPORT_FORMATS}
        onChange={setFormat}
        ariaLabel="import format"
      />
      {conn.upload ? (
        <label className="field">
          Files (images and annotation files; pick several)
          <input
            type="file"
            multiple
            aria-label="import files"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
      ) : (
        <TextField label="File or folder" value={path} onChange={setPath} ariaLabel="import path" />
      )}
      <button
        className="primary"
        disabled={busy || (conn.upload ? !files.length : !path)}
        onClick={() => void start()}
      >
        Import
      </button>
      {msg && <p className={msg.startsWith('Import failed') ? 'err' : 'hint'}>{msg}</p>}
      {report && (
        <div data-testid="import-report">
          <p>
            Imported <b>{report.images}</b> images and <b>{report.annotations}</b> boxes
            {report.classesCreated.length ? `; new classes: ${report.classesCreated.join(', ')}` : ''};{' '}
            {report.duplicates} duplicate(s), {report.skippedImages} skipped.
          </p>
          {report.problems.length > 0 && (
            <div className="report">
              {report.problems.map((p, i) => (
                <div key={i}>
                  {p.severity}: {p.file}
                  {p.line !== undefined ? `:${p.line}` : ''}: {p.message}
                </div>
              ))}
            </div>
          )}
        </div>
      )}
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
