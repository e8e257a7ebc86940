import path from 'node:path';
import { openServeDoor } from '../../server/door';
import { intOption, parseCommandArgs } from '../args';
import { type CliIo, note } from '../io';

/** Where the built renderer is: beside the CLI bundle (out/cli -> out/renderer), or RIDGE_RENDERER_DIR. */
export function rendererDir(): string {
  return path.resolve(process.env.RIDGE_RENDERER_DIR ?? path.join(__dirname, '..', 'renderer'));
}

/** `ridge serve [<dir>] [--host H] [--port P] [--allow-remote]`: the app in a browser; runs until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('serve', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    'allow-remote': { type: 'boolean' },
  });
  const door = await openServeDoor({
    host: typeof values.host === 'string' ? values.host : '127.0.0.1',
    port: intOption('serve', 'port', values.port, 7878, 0, 65535),
    allowRemote: Boolean(values['allow-remote']),
    staticDir: rendererDir(),
    ...(positionals[0] ? { dir: path.resolve(io.cwd, positionals[0]) } : {}),
    ...(process.env.RIDGE_TRAINER_ENTRY ? { trainerEntry: process.env.RIDGE_TRAINER_ENTRY } : {}),
  });
  io.stdout.write(door.server.url + '\n');
  for (const w of door.warnings) note(io, w);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await door.close();
  return 0;
}
