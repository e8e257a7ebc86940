import path from 'node:path';
import { Project } from '../../services/project/project';
import { parseCommandArgs, requirePositional } from '../args';
import { type CliIo, emit } from '../io';

/** `ridge init <dir> [--name N]`: create a project folder with its database. */
export function initCommand(argv: string[], io: CliIo): number {
  const { values, positionals } = parseCommandArgs('init', argv, { name: { type: 'string' } });
  const dir = path.resolve(io.cwd, requirePositional('init', positionals, 0, 'dir'));
  const p = Project.init(dir, values.name as string | undefined);
  try {
    const info = p.info();
    emit(io, Boolean(values.json), info, () => `created project '${info.name}' in ${info.dir}`);
  } finally {
    p.close();
  }
  return 0;
}
