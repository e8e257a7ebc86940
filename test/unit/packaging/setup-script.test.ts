import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('npm run setup', () => {
  it('builds the renderer bundle that `ridge serve` loads, and fails when it is missing', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      scripts: { setup: string };
    };
    expect(pkg.scripts.setup).toBe('bash scripts/setup.sh');
    const sh = readFileSync(path.join(ROOT, 'scripts', 'setup.sh'), 'utf8');
    const build = sh.indexOf('npx electron-vite build');
    expect(build).toBeGreaterThan(sh.indexOf('npm run --silent build:cli'));
    expect(sh.indexOf('out/renderer/index.html', build)).toBeGreaterThan(build);
    // serve looks for the bundle beside the CLI bundle: out/cli -> out/renderer.
    const serve = readFileSync(path.join(ROOT, 'src', 'main', 'cli', 'commands', 'serve.ts'), 'utf8');
    expect(serve).toContain("path.join(__dirname, '..', 'renderer')");
  });
});
