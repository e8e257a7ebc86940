import type { ImportProblem } from '../../../../shared/api/contract';
import type { ImportFormat } from '../../../../shared/domain/formats';

// What the import card works out from a folder or a set of files picked in the browser, and how it shows what
// the import found, in the page's own words (never a CLI flag).

/** A file as the browser picked it: its path relative to the folder picked (or just its name), and its size. */
export interface PickedFile {
  path: string;
  size: number;
}

/** The one top folder every picked file sits in (a folder upload), or null (files picked one by one). */
export function pickedFolder(files: readonly PickedFile[]): string | null {
  const tops = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0]! : '')));
  const [top] = [...tops];
  return tops.size === 1 && top ? top : null;
}

/**
 * Where the import reads from once the files are uploaded into `staged`: the single annotation file for the
 * formats that are one JSON file (COCO, CreateML), else the picked folder (or the upload folder itself).
 */
export function importSource(format: ImportFormat, files: readonly PickedFile[], staged: string): string {
  const json = files.filter((f) => f.path.toLowerCase().endsWith('.json'));
  if ((format === 'coco' || format === 'createml') && json.length === 1) return `${staged}/${json[0]!.path}`;
  const top = pickedFolder(files);
  return top ? `${staged}/${top}` : staged;
}

/** A size in bytes as a person reads it (KB, MB, GB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  for (; v >= 1024 && u < units.length - 1; u++) v /= 1024;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** One problem as a line: the file (relative to what was uploaded, when it was), its line, what is wrong. */
export function problemLine(p: ImportProblem, staged: string | null): string {
  const file = staged && p.file.startsWith(`${staged}/`) ? p.file.slice(staged.length + 1) : p.file;
  const where = [file, p.line !== undefined ? `line ${p.line}` : '', p.field ? `field ${p.field}` : '']
    .filter(Boolean)
    .join(', ');
  return `${where}: ${p.message}`;
}

/** What the card says when the import stopped with problems (nothing was written). */
export function abortSummary(
  problems: readonly ImportProblem[],
  fileLevel: boolean,
  skipping: boolean,
): string {
  const n = problems.filter((p) => p.severity === 'error').length;
  const head = `Nothing was imported: ${n} ${n === 1 ? 'problem' : 'problems'}, listed below.`;
  if (fileLevel)
    return `${head} ${n === 1 ? 'It concerns' : 'Some concern'} a whole file, so skipping bad files cannot get past ${n === 1 ? 'it' : 'them'}: fix the file and import again.`;
  return skipping ? head : `${head} Tick “Skip bad files” to import the rest and list what was skipped.`;
}
