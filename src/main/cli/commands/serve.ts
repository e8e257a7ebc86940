import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioSession } from '../../services/api/handlers';
import { UserError } from '../../../shared/errors';
import { PROJECT_FILE, Project } from '../../services/project/project';
import { isLoopbackHost } from '../../server/security';
import { startStudioServer } from '../../server/server';
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
  const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
  const port = intOption('serve', 'port', values.port, 7878, 0, 65535);
  const allowRemote = Boolean(values['allow-remote']);
  if (!isLoopbackHost(host) && !allowRemote)
    throw new UserError(
      `ridge serve: --host ${host} would let other machines reach your project; add --allow-remote if you mean it`,
    );
  const session = new StudioSession();
  const dirArg = positionals[0];
  if (dirArg) {
    const dir = path.resolve(io.cwd, dirArg);
    if (!existsSync(path.join(dir, PROJECT_FILE)))
      throw new UserError(
        `${dir} is not a Ridge Studio project (no ${PROJECT_FILE}); create one with 'ridge init'`,
      );
    session.use(Project.open(dir));
  }
  const server = await startStudioServer({ host, port, allowRemote, staticDir: rendererDir(), session });
  io.stdout.write(server.url + '\n');
  if (allowRemote && !isLoopbackHost(host))
    note(
      io,
      `warning: listening on ${host}: anyone who can reach this machine and has the token can change the project`,
    );
  if (!existsSync(path.join(rendererDir(), 'index.html')))
    note(
      io,
      `warning: renderer bundle missing at ${rendererDir()}; run 'npx electron-vite build' (the API works)`,
    );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
