// Running the webgpu backend in CI without a GPU: Dawn (npm `webgpu`) finds SwiftShader's software Vulkan driver,
// which Debian's chromium package ships with its own Vulkan loader (libvulkan.so.1 in /usr/lib/chromium; the
// system has none unless libvulkan1 is installed). Both are read when a process starts, so webgpu tests run a
// child process with this environment.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './paths';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest and the loader. */
export const CHROMIUM_LIB = '/usr/lib/chromium';
/** SwiftShader's Vulkan ICD manifest. */
export const SWIFTSHADER_ICD = path.join(CHROMIUM_LIB, 'vk_swiftshader_icd.json');

/** The environment that makes Dawn find SwiftShader; throws a clear error when the driver is not installed. */
export function swiftshaderEnv(): Record<string, string> {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(
      `SwiftShader's Vulkan driver is missing (${SWIFTSHADER_ICD}): install Debian's chromium package (npm run setup does)`,
    );
  const ld = process.env.LD_LIBRARY_PATH;
  return { VK_ICD_FILENAMES: SWIFTSHADER_ICD, LD_LIBRARY_PATH: ld ? `${CHROMIUM_LIB}:${ld}` : CHROMIUM_LIB };
}

/** What a child printed, how it ended and how long it took. */
export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a TypeScript file of the repo with tsx in a child (niced: SwiftShader keeps both cores busy). */
export function runTsChild(file: string, args: string[], env: Record<string, string>): Promise<ChildRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', file, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** The `RESULT <json>` line of a child, or an error carrying the end of its stderr. */
export function childResult<T>(run: ChildRun): T {
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (run.code !== 0 || !line)
    throw new Error(`child exited ${run.code} without a result; stderr ends:\n${run.stderr.slice(-3000)}`);
  return JSON.parse(line.slice('RESULT '.length)) as T;
}

/** Dawn's validation errors in a child's stderr: each means a kernel silently produced garbage. */
export function dawnValidationErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /^validation:|Invalid (ShaderModule|ComputePipeline|CommandBuffer)/.test(l));
}
