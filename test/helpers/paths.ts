import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, for tests that spawn the CLI or read configs. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The stand-in trainer (the real protocol, no tfjs) that run, queue and CLI tests train with. */
export const STANDIN_TRAINER = path.join(REPO_ROOT, 'test/integration/runs/stand-in-trainer.cjs');

/** The shared folder beside the clone (CI lays it there); RIDGE_SHARED overrides. */
export const SHARED_DIR = process.env.RIDGE_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');

/** The real-image fixture with the same 273 boxes in five formats. Tests fail, never skip, when it is missing. */
export const VOC100 = path.join(SHARED_DIR, 'fixtures', 'voc-subset100');

/** Throw a clear error if the shared fixtures are not where CI puts them. */
export function requireFixture(dir: string): string {
  if (!existsSync(dir))
    throw new Error(`fixture folder missing: ${dir} (set RIDGE_SHARED to the shared/ folder)`);
  return dir;
}
