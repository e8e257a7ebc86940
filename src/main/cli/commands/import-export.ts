import path from 'node:path';
import { EXPORT_FORMATS, IMPORT_FORMATS } from '../../../shared/domain/formats';
import { SPLITS } from '../../../shared/domain/types';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
import { type CliIo, emit, note } from '../io';
import { formatProblem } from '../main';
import { createProgress } from '../progress';

/** `ridge import`'s line of `ridge help`. */
export const IMPORT_USAGE =
  `ridge import <dir> --format ${IMPORT_FORMATS.join('|')} --from <file-or-folder> [--images <folder>] ` +
  `[--split ${SPLITS.join('|')}] [--link] [--skip-bad] [--verify-pixels]`;
/** `ridge export`'s line of `ridge help`. */
export const EXPORT_USAGE = `ridge export <dir> --format ${EXPORT_FORMATS.join('|')} --to <folder>`;

const rel = (io: CliIo, v: string | boolean | undefined) =>
  typeof v === 'string' ? path.resolve(io.cwd, v) : undefined;

/** `ridge import <dir> --format F --from PATH [...]`: datasets.import, its progress on stderr. */
export async function importCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('import', argv, {
    format: { type: 'string' },
    from: { type: 'string' },
    images: { type: 'string' },
    split: { type: 'string' },
    link: { type: 'boolean' },
    'skip-bad': { type: 'boolean' },
    'verify-pixels': { type: 'boolean' },
  });
  const dir = path.resolve(io.cwd, requirePositional('import', positionals, 0, 'dir'));
  return withProject(dir, async (door) => {
    const bar = createProgress(io, 'import');
    const off = door.on((event, payload) => {
      if (event !== 'import.progress') return;
      const p = payload as { done: number; total: number; phase: string };
      bar.update(p.done, p.total, p.phase);
    });
    const args = {
      format: values.format,
      from: rel(io, values.from),
      ...(values.images !== undefined ? { images: rel(io, values.images) } : {}),
      ...(values.split !== undefined ? { split: values.split } : {}),
      link: Boolean(values.link),
      skipBad: Boolean(values['skip-bad']),
      verifyPixels: Boolean(values['verify-pixels']),
    };
    let report;
    try {
      report = await door.call('datasets.import', args as never);
    } finally {
      off();
    }
    bar.done(`${report.images} images, ${report.annotations} boxes`);
    for (const pr of report.problems) note(io, formatProblem(pr));
    emit(io, Boolean(values.json), report, () =>
      [
        `imported ${report.images} images and ${report.annotations} boxes into ${dir}`,
        report.classesCreated.length ? `new classes: ${report.classesCreated.join(', ')}` : '',
        report.skippedImages ? `skipped ${report.skippedImages} images (see warnings above)` : '',
        report.duplicates
          ? `${report.duplicates} images duplicate others by content (see 'ridge stats')`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    return 0;
  });
}

/** `ridge export <dir> --format F --to DIR`: datasets.export. */
export async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', argv, {
    format: { type: 'string' },
    to: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('export', positionals, 0, 'dir'));
  return withProject(dir, async (door) => {
    const r = await door.call('datasets.export', { format: values.format, to: rel(io, values.to) } as never);
    if (r.skippedUnlabeled) note(io, `note: ${r.skippedUnlabeled} unlabeled images were not exported`);
    emit(
      io,
      Boolean(values.json),
      r,
      () => `exported ${r.images} images and ${r.annotations} boxes as ${r.format} to ${r.dir}`,
    );
    return 0;
  });
}
