import path from 'node:path';
import { SPLITS } from '../../../shared/domain/types';
import { exportDataset } from '../../services/datasets/export';
import type { ExportFormat, ImportFormat } from '../../services/datasets/formats/types';
import { importDataset } from '../../services/datasets/import';
import { UserError } from '../../../shared/errors';
import { Project } from '../../services/project/project';
import { enumOption, parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit, note } from '../io';
import { formatProblem } from '../main';
import { createProgress } from '../progress';

const IMPORT_FORMATS: readonly ImportFormat[] = [
  'coco',
  'yolo',
  'voc',
  'createml',
  'labelme',
  'cvat',
  'images',
];
const EXPORT_FORMATS: readonly ExportFormat[] = ['coco', 'yolo', 'voc', 'createml'];

/** `ridge import <dir> --format F --from PATH [--images DIR] [--split S] [--link] [--skip-bad]`. */
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
  const format = enumOption('import', 'format', values.format, IMPORT_FORMATS);
  if (!format) throw new UserError(`ridge import: --format is required (${IMPORT_FORMATS.join('|')})`);
  if (typeof values.from !== 'string')
    throw new UserError('ridge import: --from <file-or-folder> is required');
  const split = enumOption('import', 'split', values.split, SPLITS);
  const p = Project.open(dir);
  const bar = createProgress(io, 'import');
  try {
    const report = await importDataset(p, {
      format,
      from: path.resolve(io.cwd, values.from),
      ...(typeof values.images === 'string' ? { images: path.resolve(io.cwd, values.images) } : {}),
      ...(split ? { split } : {}),
      link: Boolean(values.link),
      skipBad: Boolean(values['skip-bad']),
      verifyPixels: Boolean(values['verify-pixels']),
      onProgress: (d, t, phase) => bar.update(d, t, phase),
    });
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
  } finally {
    p.close();
  }
}

/** `ridge export <dir> --format F --to DIR`. */
export function exportCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('export', argv, {
    format: { type: 'string' },
    to: { type: 'string' },
  });
  const dir = path.resolve(io.cwd, requirePositional('export', positionals, 0, 'dir'));
  const format = enumOption('export', 'format', values.format, EXPORT_FORMATS);
  if (!format) throw new UserError(`ridge export: --format is required (${EXPORT_FORMATS.join('|')})`);
  if (typeof values.to !== 'string') throw new UserError('ridge export: --to <folder> is required');
  const p = Project.open(dir);
  try {
    const r = exportDataset(p, format, path.resolve(io.cwd, values.to));
    if (r.skippedUnlabeled) note(io, `note: ${r.skippedUnlabeled} unlabeled images were not exported`);
    emit(
      io,
      Boolean(values.json),
      r,
      () => `exported ${r.images} images and ${r.annotations} boxes as ${format} to ${r.dir}`,
    );
    return 0;
  } finally {
    p.close();
  }
}
