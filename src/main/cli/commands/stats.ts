import path from 'node:path';
import type { ProjectStats } from '../../../shared/domain/types';
import { Project } from '../../services/project/project';
import { parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit, note } from '../io';

/** Human-readable stats block, shared by `stats`, `sample` and the demo. */
export function formatStats(name: string, s: ProjectStats): string {
  const width = Math.max(5, ...s.classes.map((c) => c.name.length));
  const lines = [
    `project '${name}'`,
    `  images       ${s.images} (train ${s.splits.train}, val ${s.splits.val}, test ${s.splits.test})`,
    `  boxes        ${s.annotations}`,
    ...s.classes.map((c) => `    ${c.name.padEnd(width)}  ${c.count}`),
  ];
  return lines.join('\n');
}

/** `ridge stats <dir> [--json]`: images, accepted boxes per class, images per split. */
export function statsCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('stats', argv, {});
  const p = Project.open(path.resolve(io.cwd, requirePositional('stats', positionals, 0, 'dir')));
  try {
    const s = p.stats();
    for (const g of p.images.duplicateGroups()) {
      note(
        io,
        `warning: ${g.imageIds.length} images have identical content (ids ${g.imageIds.join(', ')})` +
          (g.crossSplit ? ' across splits: possible leakage between train and val/test' : ''),
      );
    }
    emit(io, Boolean(values.json), s, () => formatStats(p.info().name, s));
  } finally {
    p.close();
  }
  return 0;
}
