import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { asksForHelp, helpText, runCli } from '../../../src/main/cli/main';
import { makeTmpDir } from '../../helpers/tmp';

/** Run the CLI in-process with captured output. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runCli(argv, { stdout: out, stderr: err, cwd: process.cwd() });
  return { code, stdout, stderr };
}

/** Every command's usage line as `ridge help` lists it, by command name. */
function usages(): Map<string, string> {
  const lines = helpText()
    .split('\n')
    .filter((l) => l.startsWith('  ridge '))
    .map((l) => l.trim());
  return new Map(lines.map((l) => [l.split(' ')[1]!, l]));
}

describe('ridge <command> --help', () => {
  it('every command prints its line of `ridge help` for --help, -h and `ridge help <command>`, exit 0', async () => {
    const all = usages();
    expect([...all.keys()]).toEqual(
      expect.arrayContaining(['init', 'stats', 'import', 'export', 'train', 'compare', 'predict', 'serve']),
    );
    for (const [name, usage] of all) {
      for (const argv of [
        [name, '--help'],
        [name, '-h'],
        ['help', name],
        [name, 'some-dir', '--epochs', '3', '--help'],
      ]) {
        const r = await cli(argv);
        expect(r, argv.join(' ')).toEqual({ code: 0, stdout: usage + '\n', stderr: '' });
      }
    }
  });

  it('asks for nothing else: no folder is created, and --help after -- is an argument', async () => {
    const tmp = makeTmpDir();
    const dir = path.join(tmp.dir, 'p');
    expect((await cli(['init', dir, '--help'])).code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    tmp.cleanup();
    expect(asksForHelp(['x', '--', '--help'])).toBe(false);
    expect(asksForHelp(['x', '-h'])).toBe(true);
  });

  it('help for an unknown command, or a name of Object.prototype, is a one-line user error', async () => {
    for (const argv of [['help', 'frobnicate'], ['toString'], ['constructor', '--help']]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error: unknown command '\w+' \(see 'ridge help'\)\n$/);
    }
  });
});
