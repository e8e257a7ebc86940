import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Build the `ridge` CLI bundle once, so CLI tests run the same program a user runs. */
export function setup(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-cli.mjs')], {
    cwd: path.join(__dirname, '..'),
    stdio: 'inherit',
  });
}
