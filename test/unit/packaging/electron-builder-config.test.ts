import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/paths';

const schema = JSON.parse(
  readFileSync(path.join(REPO_ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8'),
) as Record<string, unknown>;
interface BuilderConfig {
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  asarUnpack: string[];
  extraMetadata: { main: string };
}
const config = parse(readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

function validate(cfg: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  return check(cfg) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", () => {
    expect(validate(config)).toEqual([]);
  });

  it('the schema check can fail: an unknown key and a wrong type are rejected', () => {
    expect(validate({ ...config, notAKey: 1 }).length).toBeGreaterThan(0);
    expect(validate({ ...config, asar: 'yes please' }).length).toBeGreaterThan(0);
  });

  it('targets AppImage+deb, nsis and dmg, and unpacks native modules from asar', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    for (const mod of ['better-sqlite3', 'sharp', '@img', '@tensorflow']) {
      expect(config.asarUnpack.some((g: string) => g.startsWith(`node_modules/${mod}/`))).toBe(true);
    }
  });

  it('packages the main entry that package.json names', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(config.extraMetadata.main).toBe(pkg.main);
  });
});
