// What tfjs-node-gpu needs besides its addon, and whether this machine has it. @tensorflow/tfjs-node-gpu 4.x
// wraps libtensorflow 2.9, built against CUDA 11.2 and cuDNN 8.1: it loads the CUDA 11 runtime, cuBLAS 11 and
// cuDNN 8 by these exact sonames, and no newer CUDA satisfies them. Few machines have that install today, so the
// backend line and the set-up say which libraries are needed and where they were looked for.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The CUDA version tfjs-node-gpu's libtensorflow needs, as its documentation states it. */
export const CUDA_REQUIREMENT = 'CUDA 11.2 + cuDNN 8.1';

/** The libraries (by soname / DLL name) it loads, per platform; tfjs-node-gpu exists for Linux and Windows. */
export const CUDA_LIBRARIES: Record<'linux' | 'win32', readonly string[]> = {
  linux: ['libcudart.so.11.0', 'libcublas.so.11', 'libcudnn.so.8'],
  win32: ['cudart64_110.dll', 'cublas64_11.dll', 'cudnn64_8.dll'],
};

/** Where the dynamic loader would look, in order, with a name for each place. */
export function cudaSearchPlaces(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string[] {
  const list = (v: string | undefined, sep: string) => (v ? v.split(sep).filter(Boolean) : []);
  if (platform === 'win32')
    return [...(env.CUDA_PATH ? [path.join(env.CUDA_PATH, 'bin')] : []), ...list(env.PATH ?? env.Path, ';')];
  return [
    ...list(env.LD_LIBRARY_PATH, ':'),
    '/usr/local/cuda-11.2/lib64',
    '/usr/local/cuda/lib64',
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib64',
  ];
}

/** Each needed library and where it was found (null: not found in any place, nor in the ldconfig cache). */
export function findCudaLibraries(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): { name: string; found: string | null }[] {
  const names = CUDA_LIBRARIES[platform === 'win32' ? 'win32' : 'linux'];
  const places = cudaSearchPlaces(env, platform);
  let cache: string | null = null;
  const inCache = (name: string): string | null => {
    if (platform !== 'linux') return null;
    cache ??= spawnSync('ldconfig', ['-p'], { encoding: 'utf8' }).stdout ?? '';
    const line = cache.split('\n').find((l) => l.trim().startsWith(`${name} `));
    return line ? (line.split('=>')[1]?.trim() ?? name) : null;
  };
  return names.map((name) => {
    const dir = places.find((p) => existsSync(path.join(p, name)));
    return { name, found: dir ? path.join(dir, name) : inCache(name) };
  });
}

/**
 * One line on what tfjs-node-gpu needs and what was found, e.g. "it needs CUDA 11.2 + cuDNN 8.1:
 * libcudart.so.11.0 not found, ... (looked in LD_LIBRARY_PATH (unset), /usr/local/cuda/lib64, ... and the
 * ldconfig cache)".
 */
export function cudaRequirementLine(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (platform !== 'linux' && platform !== 'win32')
    return `it needs ${CUDA_REQUIREMENT} on Linux or Windows (there is no tfjs-node-gpu for ${platform})`;
  const libs = findCudaLibraries(env, platform);
  const state = libs.map((l) => (l.found ? `${l.name} at ${l.found}` : `${l.name} not found`)).join(', ');
  const pathVar = platform === 'win32' ? 'PATH' : 'LD_LIBRARY_PATH';
  const fixed = cudaSearchPlaces({ LD_LIBRARY_PATH: '' }, platform);
  const looked = [
    platform === 'win32' ? `CUDA_PATH\\bin, ${pathVar}` : `${pathVar} (${env.LD_LIBRARY_PATH || 'unset'})`,
    ...fixed,
    ...(platform === 'linux' ? ['the ldconfig cache'] : []),
  ];
  return `it needs ${CUDA_REQUIREMENT}: ${state} (looked in ${looked.join(', ')})`;
}
