import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendCacheKey, loadBackend } from '../../../src/main/trainer/backend';
import { cudaRequirementLine, findCudaLibraries } from '../../../src/main/trainer/backend/cuda-libs';
import { makeTmpDir } from '../../helpers/tmp';

// tfjs-node-gpu stays a candidate, but it runs only with CUDA 11.2 + cuDNN 8.1: the reason it cannot run says
// so, with which of its libraries were found where.
const tmp = makeTmpDir('ridge-cuda-');
afterAll(() => tmp.cleanup());

describe('tfjs-node-gpu requirements', () => {
  it('finds a library in LD_LIBRARY_PATH first and names every place it looked', () => {
    const dir = path.join(tmp.dir, 'cuda', 'lib64');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'libcudart.so.11.0'), '');
    const env = { LD_LIBRARY_PATH: `/nowhere:${dir}` };
    const libs = findCudaLibraries(env, 'linux');
    expect(libs.map((l) => l.name)).toEqual(['libcudart.so.11.0', 'libcublas.so.11', 'libcudnn.so.8']);
    expect(libs[0]!.found).toBe(path.join(dir, 'libcudart.so.11.0'));
    const line = cudaRequirementLine(env, 'linux');
    expect(line).toMatch(
      /^it needs CUDA 11\.2 \+ cuDNN 8\.1: libcudart\.so\.11\.0 at .*cuda\/lib64\/libcudart\.so\.11\.0, /,
    );
    expect(line).toContain(
      `looked in LD_LIBRARY_PATH (/nowhere:${dir}), /usr/local/cuda-11.2/lib64, /usr/local/cuda/lib64`,
    );
    expect(line).toMatch(/the ldconfig cache\)$/);
  });

  it('measures the backends again once CUDA is installed: the libraries found are part of the cache key', () => {
    const dir = path.join(tmp.dir, 'cuda-key');
    mkdirSync(dir, { recursive: true });
    const env = { LD_LIBRARY_PATH: dir };
    const before = backendCacheKey('m', env);
    expect(backendCacheKey('m', env)).toBe(before);
    writeFileSync(path.join(dir, 'libcudart.so.11.0'), '');
    expect(backendCacheKey('m', env)).not.toBe(before);
    expect(backendCacheKey('other-model', env)).not.toBe(backendCacheKey('m', env));
  });

  it('names the Windows DLLs and says there is no tfjs-node-gpu on macOS', () => {
    expect(cudaRequirementLine({ PATH: '' }, 'win32')).toMatch(
      /cudart64_110\.dll .*cudnn64_8\.dll .*looked in CUDA_PATH\\bin, PATH/,
    );
    expect(cudaRequirementLine({}, 'darwin')).toBe(
      'it needs CUDA 11.2 + cuDNN 8.1 on Linux or Windows (there is no tfjs-node-gpu for darwin)',
    );
  });

  it("the backend's reason carries the real load error and the requirement line", async () => {
    const err = await loadBackend('tfjs-node-gpu').then(
      () => null,
      (e: Error) => e,
    );
    expect(err, 'tfjs-node-gpu loaded: this machine has a GPU build; nothing to check here').not.toBeNull();
    expect(err!.message).toMatch(
      /^tfjs-node-gpu cannot run: .+; it needs CUDA 11\.2 \+ cuDNN 8\.1: .*\(looked in /,
    );
  });
});
