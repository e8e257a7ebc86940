import path from 'node:path';
import type { ProjectStats } from '../../../shared/domain/types';
import { parseCommandArgs, requirePositional } from '../args';
import { withProject } from '../door';
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

/** `ridge stats <dir> [--json]`: images, accepted boxes per class, images per split (project.stats). */
export async function statsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('stats', argv, {});
  const dir = path.resolve(io.cwd, requirePositional('stats', positionals, 0, 'dir'));
  return withProject(dir, async (door) => {
    const { duplicateGroups, ...s } = await door.call('project.stats', {});
    for (const g of duplicateGroups) {
      note(
        io,
        `warning: ${g.imageIds.length} images have identical content (ids ${g.imageIds.join(', ')})` +
          (g.crossSplit ? ' across splits: possible leakage between train and val/test' : ''),
      );
    }
    const info = await door.call('project.info', {});
    emit(io, Boolean(values.json), s, () => formatStats(info.name, s));
    return 0;
  });
}
