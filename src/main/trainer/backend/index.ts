// Compute backend selection. Every candidate is loaded for real (dynamic import in try/catch) and the real
// error text is kept as its reason; `auto` also times a few steps of the actual model on each one that
// loads and picks the fastest, caching the choice per machine.
//
// One tfjs engine per process: all candidates register into the same @tensorflow/tfjs core, under the names
// 'tensorflow' (tfjs-node AND tfjs-node-gpu: whichever loads first owns it, so the other one cannot also be
// measured in this process), 'webgpu' and 'cpu' (pure JS, part of @tensorflow/tfjs and of tfjs-node).
// Switching between them is tf.setBackend; tensors made on one backend are moved on first use elsewhere.
import * as tf from '@tensorflow/tfjs';
import type { BackendName, BackendReason, BackendRequest, KernelChoice } from '../../../shared/domain/runs';
import { backendCacheKey, cpuDevice, readCacheFile, writeCacheEntry } from './cache';
import { cudaRequirementLine } from './cuda-libs';
import { chooseNativeKernels, kernelTimingShape } from './kernel-choice';
import { captureNativeKernels } from './native-kernels';
import { installWebgpuKernelFixes } from './webgpu-kernels';
import {
  describeAdapter,
  softwareAdapterReason,
  SoftwareAdapterRefused,
  type AdapterInfoLike,
} from './webgpu-adapter';

/** The cache helpers, where callers have always imported them. */
export { backendCacheDir, backendCacheKey, cpuDevice } from './cache';
/** The kernel choice, for predict and the benchmark. */
export { chooseNativeKernels, kernelTimingShape } from './kernel-choice';

/** Candidates in the order `auto` tries them. */
export const BACKEND_CANDIDATES: readonly BackendName[] = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'cpu'];

/** The tfjs registry name each candidate runs as. */
export const TFJS_BACKEND_NAME: Record<BackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  webgpu: 'webgpu',
  'tfjs-node': 'tensorflow',
  cpu: 'cpu',
};

/** What selection decided, as the 'backend' event and the run record carry it. */
export interface BackendChoice {
  backend: BackendName;
  /** Every candidate's reason; the chosen one's carries `kernels` when it is native TensorFlow. */
  reasons: BackendReason[];
  device: string;
}

/** Which native package owns the 'tensorflow' backend in this process (null until one loads). */
let nativeOwner: 'tfjs-node' | 'tfjs-node-gpu' | null = null;
let webgpuDevice: string | null = null;
/** Why the loaded WebGPU adapter is a software one (SwiftShader...), or null for a real GPU. */
let webgpuSoftware: string | null = null;
/** Load failures of this process: a package that failed to load fails the same way again (and keeps its real reason). */
const loadFailures = new Map<BackendName, Error>();

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.trim() || 'unknown error';
}

async function loadWebgpu(allowSoftwareAdapter: boolean): Promise<void> {
  const webgpu = (await import('webgpu')) as unknown as {
    create: (flags: string[]) => GpuLike;
    globals: object;
  };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter)
    throw new Error(
      'no WebGPU adapter: Dawn found no usable GPU (no Vulkan/Metal/D3D12 device on this machine)',
    );
  const software = softwareAdapterReason(adapter.info, adapter.isFallbackAdapter);
  if (software && !allowSoftwareAdapter)
    throw new SoftwareAdapterRefused(
      `not used by auto: the only WebGPU adapter, ${software}; --backend webgpu uses it anyway`,
    );
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator)
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  installWebgpuKernelFixes();
  webgpuSoftware = software;
  webgpuDevice = describeAdapter(adapter.info) + (software ? ', software' : '');
}

interface GpuLike {
  requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null>;
}

/**
 * Loads one backend for real and makes it the active one; throws an Error whose message is the reason it
 * cannot run here. Never falls back to another backend. `allowSoftwareAdapter` false (what `auto` passes)
 * refuses a WebGPU adapter that is a CPU stand-in (SwiftShader...) with SoftwareAdapterRefused.
 */
export async function loadBackend(
  name: BackendName,
  quiet = false,
  allowSoftwareAdapter = true,
): Promise<void> {
  const failed = loadFailures.get(name);
  if (failed) throw failed;
  try {
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      if (nativeOwner && nativeOwner !== name)
        throw new Error(
          `${nativeOwner} already provides the 'tensorflow' backend in this process (one native TensorFlow per process)`,
        );
      if (name === 'tfjs-node-gpu') await import('@tensorflow/tfjs-node-gpu');
      else await import('@tensorflow/tfjs-node');
      nativeOwner = name;
      captureNativeKernels();
    } else if (name === 'webgpu') {
      await loadWebgpu(allowSoftwareAdapter);
    }
    const ok = await tf.setBackend(TFJS_BACKEND_NAME[name]);
    if (!ok || tf.getBackend() !== TFJS_BACKEND_NAME[name])
      throw new Error(`tf.setBackend('${TFJS_BACKEND_NAME[name]}') failed`);
  } catch (e) {
    if (e instanceof SoftwareAdapterRefused) throw e; // it can run; auto just does not choose it (not cached)
    const why = name === 'tfjs-node-gpu' ? `${errorText(e)}; ${cudaRequirementLine()}` : errorText(e);
    const err = new Error(`${name} cannot run: ${why}`);
    if (name !== 'cpu') loadFailures.set(name, err);
    throw err;
  }
  if (name === 'cpu' && !quiet)
    console.warn(
      '[ridge trainer] WARNING: training on the pure-JavaScript cpu backend: expect it to be 10-50x slower than tfjs-node.',
    );
}

/** The candidate running now: the native package that owns 'tensorflow', webgpu or the pure-JS cpu. */
export function activeBackend(): BackendName {
  const active = tf.getBackend();
  if (active === 'tensorflow') return nativeOwner ?? 'tfjs-node';
  return active === 'webgpu' ? 'webgpu' : 'cpu';
}

/** The device string of a loaded backend. */
export function deviceOf(name: BackendName): string {
  if (name === 'webgpu') return webgpuDevice ?? 'WebGPU adapter';
  if (name === 'tfjs-node-gpu') return `CUDA GPU via TensorFlow (host ${cpuDevice()})`;
  return cpuDevice();
}

/** Options of selectBackend. */
export interface SelectOptions {
  /** Times the actual model on the active backend; returns images per second, or that with how it was had. */
  measure: (name: BackendName) => Promise<number | { imagesPerSecond: number; how: string }>;
  /** Identifies the model shape the timing is valid for (part of the cache key). */
  modelKey: string;
  /**
   * The tensor shape native kernels are timed on (kernelTimingShape of the input size; default that of 224 px).
   * Native TensorFlow runs whichever of its own kernel and the replacement was faster on it.
   */
  kernelShape?: number[];
  /** Use and update the per-machine cache (default true). */
  useCache?: boolean;
  /**
   * Readies a loaded backend's kernels for this model before it is timed or used (webgpu: times our kernels
   * against tfjs's, see webgpu-kernels/choose.ts); returns a note for the backend's reason, if any.
   */
  prepare?: (name: BackendName) => Promise<string | undefined>;
}

async function prepared(opts: SelectOptions, name: BackendName, reason: string): Promise<string> {
  const note = await opts.prepare?.(name);
  return note ? `${reason}; ${note}` : reason;
}

/**
 * Thrown when every backend that loads fails on the model itself: the fault is in the model, its settings or its
 * data, not in the backends, and the message says so (with the op's own error) instead of "no backend can run".
 */
export class ModelFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFailedError';
  }
}

const CHOICE_FILE = 'backend-choice.json';

/** The message when backends load but the model fails on each: one line per distinct error. */
function modelFailure(failed: { backend: BackendName; error: string }[]): ModelFailedError {
  const byError = new Map<string, BackendName[]>();
  for (const f of failed) byError.set(f.error, [...(byError.get(f.error) ?? []), f.backend]);
  const detail = [...byError].map(([error, names]) => `on ${names.join(' and ')}: ${error}`).join('; ');
  return new ModelFailedError(
    `the model failed while a training step was timed, on every backend that loads (${failed
      .map((f) => f.backend)
      .join(', ')}): the fault is in the model or its settings, not the backends. ${detail}`,
  );
}

/** Puts the kernel choice on the reason of the backend that runs (how the run record carries it). */
function withKernels(
  reasons: BackendReason[],
  backend: BackendName,
  kernels: KernelChoice[],
): BackendReason[] {
  if (kernels.length === 0) return reasons;
  return reasons.map((r) => (r.backend === backend ? { ...r, kernels } : r));
}

/**
 * Resolves a backend request. A named backend is loaded or the call throws with its reason. `auto` loads
 * every candidate, times those that load, activates the fastest and returns all reasons. On native
 * TensorFlow, each replaceable kernel is the faster of tfjs-node's own and the replacement (kernel-choice.ts).
 * When backends load but the model fails on every one, a ModelFailedError says so.
 */
export async function selectBackend(request: BackendRequest, opts: SelectOptions): Promise<BackendChoice> {
  const useCache = opts.useCache ?? true;
  const kernelOpts = { modelKey: opts.modelKey, shape: opts.kernelShape ?? kernelTimingShape(224), useCache };
  if (request !== 'auto') {
    await loadBackend(request);
    const kernels = await chooseNativeKernels(request, kernelOpts);
    const software = request === 'webgpu' ? webgpuSoftware : null;
    const reason = await prepared(
      opts,
      request,
      software ? `requested; ${software} (auto never picks it)` : 'requested',
    );
    return {
      backend: request,
      reasons: withKernels([{ backend: request, ok: true, reason }], request, kernels),
      device: deviceOf(request),
    };
  }
  const key = backendCacheKey(opts.modelKey);
  if (useCache) {
    const hit = (await readCacheFile<BackendChoice & { measuredAt: string }>(CHOICE_FILE))[key];
    // A cached webgpu choice whose GPU is now a software stand-in (driver gone) is measured anew.
    const usable =
      hit &&
      (await loadBackend(hit.backend, false, false).then(
        () => true,
        (e: unknown) => {
          if (e instanceof SoftwareAdapterRefused) return false;
          throw e;
        },
      ));
    if (hit && usable) {
      const kernels = await chooseNativeKernels(hit.backend, kernelOpts);
      // WebGPU kernel choices are made anew (not cached): they are cheap to time next to a training run.
      const note = await opts.prepare?.(hit.backend);
      return {
        backend: hit.backend,
        device: hit.device,
        // Every reason is as found at measuredAt (load errors may name the checkout that measured them).
        reasons: withKernels(
          hit.reasons.map(({ kernels: _k, ...r }) => ({
            ...r,
            reason:
              r.backend === hit.backend
                ? `${r.reason} (cached choice of ${hit.measuredAt})${note ? `; ${note}` : ''}`
                : `${r.reason} (as found at ${hit.measuredAt})`,
          })),
          hit.backend,
          kernels,
        ),
      };
    }
  }
  const reasons: BackendReason[] = [];
  const modelFailed: { backend: BackendName; error: string }[] = [];
  const kernelsOf = new Map<BackendName, KernelChoice[]>();
  for (const name of BACKEND_CANDIDATES) {
    try {
      await loadBackend(name, true, false);
    } catch (e) {
      reasons.push({ backend: name, ok: false, reason: errorText(e) });
      continue;
    }
    try {
      kernelsOf.set(name, await chooseNativeKernels(name, kernelOpts));
      const note = await opts.prepare?.(name);
      const m = await opts.measure(name);
      const ips = typeof m === 'number' ? m : m.imagesPerSecond;
      const how = typeof m === 'number' ? '' : ` (${m.how})`;
      reasons.push({
        backend: name,
        ok: true,
        reason: `measured ${ips >= 10 ? ips.toFixed(0) : ips.toPrecision(2)} img/s${how}${note ? `; ${note}` : ''}`,
        imagesPerSecond: ips,
      });
    } catch (e) {
      modelFailed.push({ backend: name, error: errorText(e) });
      reasons.push({
        backend: name,
        ok: false,
        reason: `loaded but the model failed on it: ${errorText(e)}`,
      });
    }
  }
  const ok = reasons.filter((r) => r.ok && r.imagesPerSecond !== undefined);
  if (ok.length === 0) {
    if (modelFailed.length > 0) throw modelFailure(modelFailed);
    throw new Error(`no backend can run: ${reasons.map((r) => `${r.backend}: ${r.reason}`).join('; ')}`);
  }
  const best = ok.reduce((a, b) => (b.imagesPerSecond! > a.imagesPerSecond! ? b : a));
  for (const r of ok) if (r !== best) r.reason += ` (slower than ${best.backend})`;
  best.reason += ' (fastest)';
  await loadBackend(best.backend);
  // The native backend's kernels were chosen when it was timed; switching back to it keeps them.
  const kernels = kernelsOf.get(best.backend) ?? [];
  const choice: BackendChoice = {
    backend: best.backend,
    reasons: withKernels(reasons, best.backend, kernels),
    device: deviceOf(best.backend),
  };
  if (useCache) await writeCacheEntry(CHOICE_FILE, key, { ...choice, measuredAt: new Date().toISOString() });
  return choice;
}
