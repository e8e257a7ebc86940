import { useEffect, useRef, useState } from 'react';
import type { ImportProblem, ImportReport } from '../../../../shared/api/contract';
import type { ApiError } from '../../../../shared/api/errors';
import { IMPORT_FORMATS, type ImportFormat } from '../../../../shared/domain/formats';
import { SPLITS, type Split } from '../../../../shared/domain/types';
import type { Connection } from '../../api/client';
import { CheckField, SelectField, TextField } from '../../ui/Field';
import { plural } from '../../ui/plural';
import { abortSummary, formatBytes, importSource, pickedFolder, problemLine } from './import-plan';

/** An upload kept for the files picked, so "import again with skip bad files" does not upload twice. */
interface Staged {
  files: File[];
  dir: string;
  discard(): Promise<void>;
}

interface Outcome {
  report?: ImportReport;
  problems: ImportProblem[];
  summary: string;
  failed: boolean;
  /** The upload folder the problems' files are named relative to. */
  staged: string | null;
}

const relPath = (f: File) => f.webkitRelativePath || f.name;
const DIR_PICKER = { webkitdirectory: '', directory: '' } as Record<string, string>;

/**
 * The import card. In a browser a dataset folder is uploaded with its relative paths kept (so a YOLO data.yaml
 * with images/ and labels/, a COCO or VOC folder import as from the CLI), or single files; in the app a path is
 * typed. Strict by default like the CLI: any problem stops the import, listed with file and line; "Skip bad
 * files" imports the rest. Progress shows while uploading and checking.
 */
export function ImportCard({ conn, onDone }: { conn: Connection; onDone(): void }) {
  const [format, setFormat] = useState<ImportFormat>('images');
  const [files, setFiles] = useState<File[]>([]);
  const [path, setPath] = useState('');
  const [skipBad, setSkipBad] = useState(false);
  const [split, setSplit] = useState<Split | ''>('');
  const [link, setLink] = useState(false);
  const [progress, setProgress] = useState<{ text: string; done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const staged = useRef<Staged | null>(null);
  const upload = conn.upload;

  useEffect(
    () =>
      conn.on('import.progress', (p) =>
        setProgress({ text: `${p.phase} ${p.done} / ${p.total}`, done: p.done, total: p.total }),
      ),
    [conn],
  );
  useEffect(() => () => void staged.current?.discard(), []);

  const pick = (list: FileList | null) => {
    void staged.current?.discard();
    staged.current = null;
    setFiles([...(list ?? [])]);
    setOutcome(null);
  };

  const stage = async (): Promise<Staged> => {
    if (staged.current && staged.current.files === files) return staged.current;
    const total = files.reduce((n, f) => n + f.size, 0);
    const show = (n: number, bytes: number) =>
      setProgress({
        text: `Uploading ${n} / ${files.length} files (${formatBytes(bytes)} of ${formatBytes(total)})`,
        done: bytes,
        total,
      });
    show(0, 0);
    const up = await upload!(
      files.map((f) => ({ path: relPath(f), blob: f })),
      show,
    );
    return (staged.current = { files, ...up });
  };

  const start = async () => {
    setBusy(true);
    setOutcome(null);
    let at: string | null = null;
    try {
      let from = path;
      if (upload) {
        const s = await stage();
        at = s.dir;
        from = importSource(
          format,
          files.map((f) => ({ path: relPath(f), size: f.size })),
          s.dir,
        );
      }
      setProgress({ text: 'Reading the dataset…', done: 0, total: 0 });
      const report = await conn.api['datasets.import']({
        format,
        from,
        skipBad,
        ...(split ? { split } : {}),
        ...(!upload && link ? { link: true } : {}),
      });
      const skipped = report.skippedImages ? `; ${plural(report.skippedImages, 'image')} skipped` : '';
      setOutcome({
        report,
        problems: report.problems,
        summary: `Imported ${report.images} images and ${report.annotations} boxes${skipped}.`,
        failed: false,
        staged: at,
      });
      void staged.current?.discard();
      staged.current = null;
      onDone();
    } catch (e) {
      const err = e as ApiError;
      const problems = err.detail?.problems ?? [];
      setOutcome({
        problems,
        summary: problems.length
          ? abortSummary(problems, Boolean(err.detail?.fileLevel), skipBad)
          : `Import failed: ${err.message}`,
        failed: true,
        staged: at,
      });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const folder = pickedFolder(files.map((f) => ({ path: relPath(f), size: f.size })));
  const size = formatBytes(files.reduce((n, f) => n + f.size, 0));
  return (
    <div className="card import-card" data-testid="import">
      <h2>Import</h2>
      <SelectField
        label="Format"
        value={format}
        options={IMPORT_FORMATS}
        onChange={setFormat}
        ariaLabel="import format"
      />
      {upload ? (
        <div className="field">
          Dataset folder (keeps its sub-folders), or single files
          <div className="pick-row">
            <label className="pick-btn">
              Choose folder…
              <input
                type="file"
                hidden
                {...DIR_PICKER}
                aria-label="import folder"
                onChange={(e) => pick(e.target.files)}
              />
            </label>
            <label className="pick-btn">
              Choose files…
              <input
                type="file"
                hidden
                multiple
                aria-label="import files"
                onChange={(e) => pick(e.target.files)}
              />
            </label>
          </div>
          <span className="picked" data-testid="import-picked">
            {files.length
              ? `${folder ? `${folder}: ` : ''}${plural(files.length, 'file')}, ${size}`
              : 'Nothing picked yet'}
          </span>
        </div>
      ) : (
        <TextField label="File or folder" value={path} onChange={setPath} ariaLabel="import path" />
      )}
      <label className="field">
        Split for images the dataset puts in none
        <select
          value={split}
          aria-label="import split"
          onChange={(e) => setSplit(e.target.value as Split | '')}
        >
          <option value="">by content (80 / 10 / 10, the same image always lands the same)</option>
          {SPLITS.map((s) => (
            <option key={s} value={s}>
              all {s}
            </option>
          ))}
        </select>
      </label>
      <CheckField
        label="Skip bad files: import the good images and list what was skipped (off: any problem stops the import and nothing is written)"
        checked={skipBad}
        ariaLabel="skip bad files"
        onChange={setSkipBad}
      />
      {!upload && (
        <CheckField
          label="Link images where they are instead of copying them into the project"
          checked={link}
          ariaLabel="link images"
          onChange={setLink}
        />
      )}
      <button
        className="primary"
        disabled={busy || (upload ? !files.length : !path)}
        onClick={() => void start()}
      >
        Import
      </button>
      {progress && (
        <div className="import-progress" data-testid="import-progress">
          {progress.total > 0 ? <progress value={progress.done} max={progress.total} /> : <progress />}
          <span className="hint">{progress.text}</span>
        </div>
      )}
      {outcome && <ImportOutcome outcome={outcome} />}
    </div>
  );
}

function ImportOutcome({ outcome }: { outcome: Outcome }) {
  const r = outcome.report;
  return (
    <div data-testid={outcome.failed ? 'import-failed' : 'import-report'}>
      <p className={outcome.failed ? 'err' : ''}>
        {outcome.summary}
        {r?.classesCreated.length ? ` New classes: ${r.classesCreated.join(', ')}.` : ''}
        {r?.duplicates ? ` ${plural(r.duplicates, 'image')} duplicate others by content.` : ''}
      </p>
      {!outcome.failed && r && r.images > 0 && r.annotations === 0 && (
        <p className="hint" data-testid="import-prelabel-hint">
          Nothing on them is labeled yet: Experiments → Model-assisted labeling can pre-label them, with the
          COCO detector before any training or with a finished run; you accept or reject each box in Annotate.
        </p>
      )}
      {outcome.problems.length > 0 && (
        <ul className="report problems" aria-label="import problems">
          {outcome.problems.map((p, i) => (
            <li key={i} className={p.severity} data-testid="import-problem">
              <b>{p.severity}</b> {problemLine(p, outcome.staged)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
