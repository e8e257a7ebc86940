import path from 'node:path';
import { parseCommandArgs, requirePositional } from '../args';
import { openCliDoor } from '../door';
import { type CliIo, emit } from '../io';

/** `ridge init <dir> [--name N]`: create a project folder with its database (project.create). */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('init', argv, { name: { type: 'string' } });
  const dir = path.resolve(io.cwd, requirePositional('init', positionals, 0, 'dir'));
  const door = openCliDoor();
  try {
    const name = typeof values.name === 'string' ? { name: values.name } : {};
    const info = await door.call('project.create', { dir, ...name });
    emit(io, Boolean(values.json), info, () => `created project '${info.name}' in ${info.dir}`);
    return 0;
  } finally {
    await door.close();
  }
}
