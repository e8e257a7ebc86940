// The per-machine cache of what backend selection measured (the backend choice, the kernel choice): one JSON
// file per kind under RIDGE_CACHE_DIR (default ~/.cache/ridge-studio), keyed by what the timing depends on.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findCudaLibraries } from './cuda-libs';
import { KERNEL_CHOICE_NAMES } from './native-kernels';

/** The CPU as people know it, e.g. "AMD EPYC 7B13 (2 cores)". */
export function cpuDevice(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} (${cpus.length} cores)`;
}

/**
 * A package as installed: version, folder, and for a native one whether its addon is built (a tfjs_binding.node
 * under its lib folder). Another checkout, or an addon built since, is another install, measured again.
 */
function packageState(pkg: string): string {
  try {
    const manifest = require.resolve(`${pkg}/package.json`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require(manifest) as { version: string };
    const dir = path.dirname(manifest);
    const lib = path.join(dir, 'lib');
    const addon = existsSync(lib)
      ? readdirSync(lib).some((d) => existsSync(path.join(lib, d, 'tfjs_binding.node')))
      : false;
    return `${pkg}@${version} in ${dir}${addon ? ' (addon built)' : ''}`;
  } catch {
    return `${pkg}@absent`;
  }
}

/** The directory of the per-machine choice cache (RIDGE_CACHE_DIR overrides ~/.cache/ridge-studio). */
export function backendCacheDir(): string {
  return process.env.RIDGE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'ridge-studio');
}

/**
 * Cache key: hostname, CPU, the packages as installed (packageState), the CUDA libraries found (so installing
 * CUDA, or pointing LD_LIBRARY_PATH at it, tries tfjs-node-gpu again), the Vulkan driver list Dawn is pointed
 * at, the native choices made (replaceable kernels, training batch norm's path: a timing made with other
 * candidates is not a timing of what runs now) and the model shape the timing was made with.
 */
export function backendCacheKey(modelKey: string, env: NodeJS.ProcessEnv = process.env): string {
  const parts = [
    os.hostname(),
    cpuDevice(),
    process.version,
    ...[
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
      '@tensorflow/tfjs-backend-webgpu',
      'webgpu',
    ].map(packageState),
    `cuda:${findCudaLibraries(env)
      .map((l) => l.found ?? '-')
      .join(',')}`,
    `vulkan:${env.VK_ICD_FILENAMES ?? ''}`,
    `replaced:${KERNEL_CHOICE_NAMES.join(',')}`,
    modelKey,
  ];
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24);
}

/** A cache file's entries (an unreadable or missing file is an empty cache: it is only ever re-measured). */
export async function readCacheFile<T>(name: string): Promise<Record<string, T>> {
  try {
    return JSON.parse(await readFile(path.join(backendCacheDir(), name), 'utf8')) as Record<string, T>;
  } catch {
    return {};
  }
}

/** Stores one entry (read, merge, write to a temp file and rename, so a reader never sees half a file). */
export async function writeCacheEntry<T>(name: string, key: string, value: T): Promise<void> {
  const file = path.join(backendCacheDir(), name);
  const cache = await readCacheFile<T>(name);
  cache[key] = value;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cache, null, 2));
  await rename(tmp, file);
}
