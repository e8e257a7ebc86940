// Entry point of the `ridge` command: bundled to out/cli/ridge.cjs by scripts/build-cli.mjs.
import { runCli } from './main';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
});
